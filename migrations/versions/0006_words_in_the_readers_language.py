"""words in the reader's language: a ledger entry keeps its message and values; a staff member's language

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_entries') as batch:
        # The msgid ("%(amount)s spent") and its values ({"amount": "30.00", "currency": "EUR"}): the history
        # reads in the reader's language. Entries written before keep their `description` text (NULL here).
        batch.add_column(sa.Column('message', sa.String(length=250), nullable=True))
        batch.add_column(sa.Column('message_values', sa.JSON(), nullable=True))
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('ledger_entries') as batch:
        batch.drop_column('message_values')
        batch.drop_column('message')
