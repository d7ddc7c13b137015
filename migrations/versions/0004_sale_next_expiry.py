"""a sale keeps the client's next expiry right after it, as it keeps the balance: its receipt shows both

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sales') as batch:
        batch.add_column(sa.Column('next_expiry_points', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
        batch.add_column(sa.Column('next_expiry_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('sales') as batch:
        batch.drop_column('next_expiry_on')
        batch.drop_column('next_expiry_points')
