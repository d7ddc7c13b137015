"""a chain kept apart, sessions that end, 64-bit points, the balance after a sale, host lines

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Points columns: 64-bit on PostgreSQL (SQLite's INTEGER already is).
POINTS_COLUMNS = {
    'points_accounts': ('balance', 'held', 'debt'),
    'ledger_entries': ('points',),
    'points_lots': ('points', 'remaining'),
    'lot_consumptions': ('points',),
    'program_versions': ('referrer_bonus', 'welcome_bonus'),
    'rewards': ('points_cost',),
    'sales': ('points_earned', 'points_redeemed'),
    'redemptions': ('points_cost',),
}


def _points_type(to_big: bool) -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    new, old = (sa.BigInteger(), sa.Integer()) if to_big else (sa.Integer(), sa.BigInteger())
    for table, columns in POINTS_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=False)


def upgrade():
    _points_type(to_big=True)
    with op.batch_alter_table('program_versions') as batch:
        batch.add_column(sa.Column('catalogue_only', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('sales') as batch:
        batch.add_column(sa.Column('balance_after', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('till_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=False),
    sa.Column('till_id', sa.Integer(), nullable=False),
    sa.Column('bound_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], ),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('panel_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=False),
    sa.Column('till_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('panel_sessions') as batch:
        batch.create_index(batch.f('ix_panel_sessions_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('panel_sessions') as batch:
        batch.drop_index(batch.f('ix_panel_sessions_staff_id'))
    op.drop_table('panel_sessions')
    op.drop_table('till_devices')
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
    with op.batch_alter_table('sales') as batch:
        batch.drop_column('balance_after')
    with op.batch_alter_table('program_versions') as batch:
        batch.drop_column('catalogue_only')
    _points_type(to_big=False)
