"""growing the client base: the client's own card, erasure, imported sales, background jobs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clients') as batch:
        # The secret of the client's own card, /card/{token}: long, random, replaced to revoke it.
        batch.add_column(sa.Column('card_token', sa.String(length=64), nullable=True))
        # Set when the person was erased: names, phone, e-mail, birth date and referral code are gone.
        batch.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch.alter_column('referral_code', existing_type=sa.String(length=60), nullable=True)
        batch.create_index('ix_clients_card_token', ['card_token'], unique=True)
    clients = sa.table('clients', sa.column('id', sa.Integer), sa.column('card_token', sa.String))
    connection = op.get_bind()
    for (client_id,) in connection.execute(sa.select(clients.c.id)).all():
        connection.execute(clients.update().where(clients.c.id == client_id)
                           .values(card_token=secrets.token_urlsafe(32)))

    with op.batch_alter_table('sales') as batch:
        # 'till' (sold here) or 'import' (past sales loaded from a CSV file: history, no till).
        batch.add_column(sa.Column('source', sa.String(length=12), nullable=False, server_default='till'))
        # The `sale` column of the imported file: the same file imported twice makes no second sale.
        batch.add_column(sa.Column('external_ref', sa.String(length=80), nullable=True))
        batch.alter_column('till_id', existing_type=sa.Integer(), nullable=True)
        batch.create_index('ix_sales_salon_external_ref', ['salon_id', 'external_ref'], unique=True)
        # The client display finds the newest sale a host POS opened at its till through the API.
        batch.create_index('ix_sales_till_created', ['till_id', 'created_at'])

    op.create_table(
        'background_jobs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('salon_id', sa.Integer(), sa.ForeignKey('salons.id'), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),  # recalculate | reset_points | import_sales
        sa.Column('status', sa.String(length=12), nullable=False),  # queued | running | done | failed
        sa.Column('parameters', sa.JSON(), nullable=True),
        sa.Column('done', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('total', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_by', sa.String(length=80), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_background_jobs_salon_id', 'background_jobs', ['salon_id', 'id'])


def downgrade():
    op.drop_index('ix_background_jobs_salon_id', table_name='background_jobs')
    op.drop_table('background_jobs')
    with op.batch_alter_table('sales') as batch:
        batch.drop_index('ix_sales_till_created')
        batch.drop_index('ix_sales_salon_external_ref')
        batch.alter_column('till_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_column('external_ref')
        batch.drop_column('source')
    with op.batch_alter_table('clients') as batch:
        batch.drop_index('ix_clients_card_token')
        batch.alter_column('referral_code', existing_type=sa.String(length=60), nullable=False)
        batch.drop_column('erased_at')
        batch.drop_column('card_token')
