"""visits and rewards that earn: whether a sale using a reward still earns points

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rewards') as batch:
        # False: a sale that uses the reward earns no points at all (the booking app's "free visit").
        batch.add_column(sa.Column('sale_earns', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('redemptions') as batch:
        # The reward's switch when it was held: a manager's later change affects only future sales.
        batch.add_column(sa.Column('sale_earns', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('redemptions') as batch:
        batch.drop_column('sale_earns')
    with op.batch_alter_table('rewards') as batch:
        batch.drop_column('sale_earns')
