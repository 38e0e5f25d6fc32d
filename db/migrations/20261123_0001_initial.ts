import { type Kysely, sql } from 'kysely';

/**
 * Ledger (问题台账), its batches and targets, and published case notices.
 * Areas are numeric(12,2) 亩: exact decimals, summed by PostgreSQL, never floats.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('batch')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // satellite | inspection | hotline | survey
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('batch_target')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('batch.id').onDelete('cascade'))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('rate_percent', sql`numeric(5,2)`, (c) => c.notNull().check(sql`rate_percent between 0 and 100`))
    .addUniqueConstraint('batch_target_batch_due_uq', ['batch_id', 'due_date'])
    .execute();

  await db.schema
    .createTable('ledger_item')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('batch.id'))
    .addColumn('township', 'text', (c) => c.notNull())
    .addColumn('village', 'text')
    .addColumn('total_area_mu', sql`numeric(12,2)`, (c) => c.notNull().check(sql`total_area_mu >= 0`))
    .addColumn('farmland_area_mu', sql`numeric(12,2)`, (c) =>
      c.notNull().defaultTo(0).check(sql`farmland_area_mu >= 0`),
    )
    .addColumn('permanent_basic', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('problem_class', 'text', (c) => c.notNull())
    .addColumn('measure', 'text')
    .addColumn('deadline', 'date')
    .addColumn('claimed_rectified_on', 'date')
    .addColumn('verified_rectified_on', 'date')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('ledger_item_farmland_le_total', sql`farmland_area_mu <= total_area_mu`)
    // Verification confirms a claim; it never stands alone.
    .addCheckConstraint(
      'ledger_item_verified_needs_claim',
      sql`verified_rectified_on is null or claimed_rectified_on is not null`,
    )
    .execute();
  await db.schema.createIndex('ledger_item_batch_township_idx').on('ledger_item').columns(['batch_id', 'township']).execute();

  await db.schema
    .createTable('case_notice')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('township', 'text', (c) => c.notNull())
    .addColumn('village', 'text')
    .addColumn('problem_class', 'text', (c) => c.notNull())
    // What the public reads; the unmasked party never leaves the staff side.
    .addColumn('party_public', 'text', (c) => c.notNull())
    .addColumn('total_area_mu', sql`numeric(12,2)`, (c) => c.notNull().check(sql`total_area_mu >= 0`))
    .addColumn('farmland_area_mu', sql`numeric(12,2)`, (c) => c.notNull().check(sql`farmland_area_mu >= 0`))
    .addColumn('steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('accountability', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('published_at', 'timestamptz')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('withdraw_reason', 'text')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('case_notice_status_chk', sql`status in ('draft','approved','published','withdrawn')`)
    .addCheckConstraint('case_notice_farmland_le_total', sql`farmland_area_mu <= total_area_mu`)
    .execute();
  // The public list reads published notices newest first, optionally by township or class.
  await db.schema
    .createIndex('case_notice_public_idx')
    .on('case_notice')
    .columns(['status', 'published_at desc', 'id desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_notice').execute();
  await db.schema.dropTable('ledger_item').execute();
  await db.schema.dropTable('batch_target').execute();
  await db.schema.dropTable('batch').execute();
}
