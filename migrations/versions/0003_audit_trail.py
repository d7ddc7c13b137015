"""the audit trail of manager actions

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=80), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=120), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entries') as batch:
        batch.create_index('ix_audit_salon_id', ['salon_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries') as batch:
        batch.drop_index('ix_audit_salon_id')
    op.drop_table('audit_entries')
