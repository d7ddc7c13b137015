"""the back office: category display names, the e-mail consent flag, the client display's pairing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False, server_default='0'),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('salon_id', 'code')
    )
    with op.batch_alter_table('clients') as batch:
        batch.add_column(sa.Column('email_opt_in', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('tills') as batch:
        batch.add_column(sa.Column('display_key_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('tills') as batch:
        batch.drop_column('display_key_hash')
    with op.batch_alter_table('clients') as batch:
        batch.drop_column('email_opt_in')
    op.drop_table('catalogue_categories')
