"""Receipts on paper, independent of the database: a ReceiptData is laid out by a salon-editable template
(layout, markup) into print instructions (instructions), which become plain text (text_output), ESC/POS
bytes (escpos_output) or a PNG preview (png_output); transports deliver the bytes to the printer."""
