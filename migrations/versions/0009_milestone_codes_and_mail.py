"""milestone codes and the e-mail outbox: the programme's reward mode, codes on issued rewards, mails to send

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('program_versions') as batch:
        # 'redeem' (a reward costs points) or 'milestone' (lifetime points reaching a reward issue a code).
        batch.add_column(sa.Column('reward_mode', sa.String(length=10), nullable=False, server_default='redeem'))
        # A thank-you e-mail to the referrer when a client they brought pays a first sale.
        batch.add_column(sa.Column('referral_thanks_email', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('reward_grants') as batch:
        # 'manager' (given by hand, with a reason) or 'milestone' (issued when lifetime points reached it).
        batch.add_column(sa.Column('source', sa.String(length=12), nullable=False, server_default='manager'))
        # Six random capital letters, typed at the till; only milestone rewards carry one.
        batch.add_column(sa.Column('code', sa.String(length=6), nullable=True))
        # The paid sale whose points issued it: its receipt prints the code.
        batch.add_column(sa.Column('issued_sale_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('voided_by', sa.String(length=80), nullable=True))
        batch.create_index('ix_reward_grants_code', ['code'], unique=True)
        batch.create_index('ix_reward_grants_issued_sale_id', ['issued_sale_id'])

    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('salon_id', sa.Integer(), sa.ForeignKey('salons.id'), nullable=True),
        sa.Column('client_id', sa.Integer(), sa.ForeignKey('clients.id'), nullable=True),
        # reward_unlocked | reward_within_reach | points_expiring | referral_thanks
        sa.Column('kind', sa.String(length=30), nullable=False),
        # What the mail is about, once: "expiring:lot:12", "code:34"... a second notice is never written.
        sa.Column('dedupe_key', sa.String(length=120), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False, server_default='fr'),
        sa.Column('subject', sa.String(length=250), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False, server_default='waiting'),  # waiting | sending | sent | failed
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_mail_outbox_dedupe_key', 'mail_outbox', ['dedupe_key'], unique=True)
    op.create_index('ix_mail_outbox_status_next', 'mail_outbox', ['status', 'next_attempt_at'])
    op.create_index('ix_mail_outbox_client_id', 'mail_outbox', ['client_id'])


def downgrade():
    op.drop_index('ix_mail_outbox_client_id', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_status_next', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_dedupe_key', table_name='mail_outbox')
    op.drop_table('mail_outbox')
    with op.batch_alter_table('reward_grants') as batch:
        batch.drop_index('ix_reward_grants_issued_sale_id')
        batch.drop_index('ix_reward_grants_code')
        for column in ('voided_by', 'voided_at', 'issued_sale_id', 'code', 'source'):
            batch.drop_column(column)
    with op.batch_alter_table('program_versions') as batch:
        batch.drop_column('referral_thanks_email')
        batch.drop_column('reward_mode')
