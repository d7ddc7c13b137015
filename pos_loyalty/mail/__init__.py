"""E-mail adapters: templates (mails/), the SMTP transport, the signed unsubscribe links."""
