import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Points are stored in minor units (1 point = 10,000 units) so that every sum is exact.
const units = (name?: string) =>
  name ? bigint(name, { mode: 'number' }) : bigint({ mode: 'number' });
const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

// owner: everything; member: send, control campaigns, reports; viewer: read and download only.
export const userRole = pgEnum('user_role', ['owner', 'member', 'viewer']);
export const language = pgEnum('language', ['en', 'bg']);
export const messageSource = pgEnum('message_source', ['api', 'portal']);
export const messageEncoding = pgEnum('message_encoding', ['gsm7', 'ucs2']);
export const campaignStatus = pgEnum('campaign_status', [
  'scheduled',
  'sending',
  'paused',
  'completed',
  'stopped',
]);
export const ledgerKind = pgEnum('ledger_kind', ['top_up', 'debit', 'refund', 'adjustment']);
export const reportMethod = pgEnum('report_method', ['once', 'periodic']);
export const reportFrequency = pgEnum('report_frequency', ['daily', 'weekly', 'monthly']);
export const reportType = pgEnum('report_type', ['detailed', 'short', 'group']);
export const reportFormat = pgEnum('report_format', ['csv', 'pdf']);
export const reportRunStatus = pgEnum('report_run_status', [
  'queued',
  'generating',
  'ready',
  'failed',
  'cancelled',
]);
export const emailStatus = pgEnum('email_status', ['queued', 'sent', 'failed', 'not_configured']);
export const contactFieldType = pgEnum('contact_field_type', ['text', 'number', 'date']);
export const optOutSource = pgEnum('opt_out_source', ['portal', 'import', 'api']);
export const contactImportStatus = pgEnum('contact_import_status', ['uploading', 'uploaded', 'queued', 'running', 'done', 'failed']);
export const contactDuplicatePolicy = pgEnum('contact_duplicate_policy', ['update', 'skip']);

export const accounts = pgTable(
  'accounts',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull().unique(),
    country: text().notNull().default('BG'),
    timeZone: text().notNull().default('Europe/Sofia'),
    balance: units().notNull().default(0),
    // The owner is e-mailed when the balance falls below this (null: no warning), once per
    // crossing: lowBalanceWarnedAt is set then and cleared when the balance is back above it.
    lowBalanceThreshold: units(),
    lowBalanceWarnedAt: timestamp({ withTimezone: true }),
    // A number is suppressed after this many permanent failures in a row (null: never).
    suppressAfter: smallint().default(3),
    createdAt: createdAt(),
  },
  (t) => [
    check('accounts_low_balance_threshold_positive', sql`${t.lowBalanceThreshold} is null or ${t.lowBalanceThreshold} > 0`),
    check('accounts_balance_non_negative', sql`${t.balance} >= 0`),
    check('accounts_suppress_after_range', sql`${t.suppressAfter} between 1 and 20`),
    check('accounts_country_iso', sql`${t.country} ~ '^[A-Z]{2}$'`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    email: text().notNull(),
    name: text().notNull().default(''),
    passwordHash: text().notNull(),
    role: userRole().notNull().default('member'),
    // null: follow the browser's Accept-Language
    language: language(),
    disabled: boolean().notNull().default(false),
    // Sessions issued before this instant are rejected (password change, disabling).
    sessionsValidAfter: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    index('users_account_idx').on(t.accountId),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer()
      .notNull()
      .references(() => users.id),
    name: text().notNull().default(''),
    // SHA-256 of the token; the token itself is shown once and never stored.
    tokenHash: bytea().notNull(),
    // The first characters, so that a user can tell tokens apart.
    displayPrefix: text().notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_account_idx').on(t.accountId)],
);

export const senderNames = pgTable(
  'sender_names',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    name: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sender_names_account_name_key').on(t.accountId, t.name),
    check(
      'sender_names_format',
      sql`${t.name} ~ '^[A-Za-z0-9 .\\-]{1,11}$' or ${t.name} ~ '^\\+?[0-9]{1,16}$'`,
    ),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    // Time-ordered (uuidv7: PostgreSQL 18's, or migration 0014's own on an older server): a million imported contacts go into the id indexes in
    // order, not at random pages.
    id: uuid()
      .primaryKey()
      .default(sql`uuidv7()`),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    // E.164 with the leading '+', normalised for the account's country
    phone: text().notNull(),
    firstName: text().notNull().default(''),
    lastName: text().notNull().default(''),
    email: text(),
    // The account's custom fields (contact_fields) by field id; numbers and dates as canonical text.
    customFields: jsonb().$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One contact per number; text_pattern_ops also serves the number-prefix search (LIKE '+35988%').
    uniqueIndex('contacts_account_phone_key').using('btree', t.accountId, sql`${t.phone} text_pattern_ops`),
    // The table's keyset order, newest first.
    index('contacts_account_created_idx').on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Name and e-mail search by the beginning of a word, case-insensitive. The last name's index
    // holds the first name after it: two words of a search as a last and a first name, in either
    // order, are one range of it (lib/contacts/list.ts), not two large ones ANDed.
    index('contacts_account_first_name_idx').using('btree', t.accountId, sql`lower(${t.firstName}) text_pattern_ops`),
    index('contacts_account_last_first_name_idx').using(
      'btree',
      t.accountId,
      sql`lower(${t.lastName}) text_pattern_ops`,
      sql`lower(${t.firstName}) text_pattern_ops`,
    ),
    index('contacts_account_email_idx').using('btree', t.accountId, sql`lower(${t.email}) text_pattern_ops`),
  ],
);

export const contactGroups = pgTable(
  'contact_groups',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    name: text().notNull(),
    // Kept by statement-level triggers on contact_group_members (migration 0014), so the send
    // page's picker never counts a million members.
    members: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contact_groups_account_name_key').on(t.accountId, t.name)],
);

export const contactGroupMembers = pgTable(
  'contact_group_members',
  {
    groupId: uuid()
      .notNull()
      .references(() => contactGroups.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.contactId] }), index('contact_group_members_contact_idx').on(t.contactId)],
);

// The account's own contact fields (at most MAX_CONTACT_FIELDS): columns of the contacts table,
// the import mapping and reports with contact data.
export const contactFields = pgTable(
  'contact_fields',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    name: text().notNull(),
    type: contactFieldType().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contact_fields_account_name_key').on(t.accountId, sql`lower(${t.name})`)],
);

// Numbers the account must never send to (the provider's blacklist), whether or not they are
// contacts: when, why and how each got here.
// Numbers whose delivery reports said permanent failure (the number does not exist, is not in
// service, is barred): the run of such reports in a row, reset by any other final report. Once it
// reaches the account's suppressAfter the number is suppressed: a send skips it like an opt-out
// until someone releases it (which deletes the row).
export const numberFailures = pgTable(
  'number_failures',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    // E.164 with the leading '+'
    phone: text().notNull(),
    failures: integer().notNull(),
    // the last report's error code and message
    errorCode: integer(),
    status: smallint().notNull(),
    lastMessageId: bigint({ mode: 'number' }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    suppressedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.phone] }),
    index('number_failures_suppressed_idx').on(t.accountId, t.suppressedAt.desc().nullsFirst(), t.phone).where(sql`${t.suppressedAt} is not null`),
  ],
);

export const optOuts = pgTable(
  'opt_outs',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    // E.164 with the leading '+'
    phone: text().notNull(),
    reason: text().notNull().default(''),
    source: optOutSource().notNull(),
    userId: integer().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('opt_outs_account_phone_key').using('btree', t.accountId, sql`${t.phone} text_pattern_ops`),
    index('opt_outs_account_created_idx').on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export type ContactImportMapping = {
  /** per column of the file: what it holds, or null to skip it */
  columns: (
    | { kind: 'phone' | 'first_name' | 'last_name' | 'email' | 'groups' | 'opted_out' }
    | { kind: 'field'; fieldId: string }
    | null
  )[];
};

// A CSV import: the file as uploaded (contact_import_chunks), the user's choices, then the job's
// progress and outcome.
export const contactImports = pgTable(
  'contact_imports',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer()
      .notNull()
      .references(() => users.id),
    fileName: text().notNull(),
    sizeBytes: bigint({ mode: 'number' }).notNull(),
    bytesReceived: bigint({ mode: 'number' }).notNull().default(0),
    status: contactImportStatus().notNull().default('uploading'),
    encoding: text(),
    delimiter: text(),
    hasHeader: boolean().notNull().default(true),
    mapping: jsonb().$type<ContactImportMapping>(),
    onDuplicate: contactDuplicatePolicy().notNull().default('update'),
    groupId: uuid().references(() => contactGroups.id, { onDelete: 'set null' }),
    optOutAll: boolean().notNull().default(false),
    bytesDone: bigint({ mode: 'number' }).notNull().default(0),
    rowsDone: integer().notNull().default(0),
    created: integer().notNull().default(0),
    updated: integer().notNull().default(0),
    duplicates: integer().notNull().default(0),
    invalid: integer().notNull().default(0),
    error: text(),
    createdAt: createdAt(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('contact_imports_account_created_idx').on(t.accountId, t.createdAt.desc().nullsFirst()),
    // The daily prune reads only what it deletes.
    index('contact_imports_created_idx').on(t.createdAt),
  ],
);

// The uploaded file, in the order it arrived; dropped once imported.
export const contactImportChunks = pgTable(
  'contact_import_chunks',
  {
    importId: uuid()
      .notNull()
      .references(() => contactImports.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

// Every line an import refused, with why (an error code) and the line as read.
export const contactImportErrors = pgTable(
  'contact_import_errors',
  {
    importId: uuid()
      .notNull()
      .references(() => contactImports.id, { onDelete: 'cascade' }),
    line: integer().notNull(),
    /** an error code (lib/i18n/messages/errors.*.json) */
    reason: text().notNull(),
    /** the column it is about, as the file names it */
    column: text().notNull().default(''),
    value: text().notNull().default(''),
    raw: text().notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);

// Price per message part by destination country (ISO 3166 alpha-2), in point units.
export const prices = pgTable(
  'prices',
  {
    country: text().primaryKey(),
    unitsPerPart: units().notNull(),
  },
  (t) => [check('prices_positive', sql`${t.unitsPerPart} > 0`)],
);

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer().references(() => users.id),
    name: text().notNull().default(''),
    senderName: text().notNull(),
    content: text().notNull(),
    encoding: messageEncoding().notNull(),
    parts: smallint().notNull(),
    source: messageSource().notNull().default('portal'),
    status: campaignStatus().notNull(),
    // messages per second handed to the gateway
    rate: integer().notNull().default(100),
    recipients: integer().notNull(),
    points: units().notNull(),
    pointsRefunded: units().notNull().default(0),
    // Recipients left out because their numbers are opted out: never sent, never charged.
    skippedOptedOut: integer().notNull().default(0),
    // Recipients left out because their numbers are suppressed (number_failures): never sent, never charged.
    skippedSuppressed: integer().notNull().default(0),
    // A follow-up made by "resend to the undelivered" names the campaign it resends (one per origin).
    followsCampaignId: uuid().references((): AnyPgColumn => campaigns.id),
    // The failure guard: pause when more than this per cent of the last guardWindow final reports
    // failed (null: off). guardRecent holds those outcomes, oldest first ('1' failed, '0' not).
    guardFailurePercent: smallint().default(20),
    guardWindow: smallint().notNull().default(200),
    guardRecent: text().notNull().default(''),
    // When the guard paused the campaign and what it saw then (failed of reports).
    guardTrippedAt: timestamp({ withTimezone: true }),
    guardFailed: integer(),
    guardReports: integer(),
    scheduledAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    // Last batch handed to the gateway: a sending campaign quiet for too long has lost its job.
    dispatchedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('campaigns_sending_idx').on(t.status).where(sql`${t.status} in ('sending', 'scheduled')`),
    // Recovery finds recent stops whose messages are still being turned to STOP.
    index('campaigns_stopped_idx').on(t.finishedAt).where(sql`${t.status} = 'stopped'`),
    index('campaigns_account_created_idx').on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    check('campaigns_rate_positive', sql`${t.rate} > 0`),
    uniqueIndex('campaigns_follows_key').on(t.followsCampaignId).where(sql`${t.followsCampaignId} is not null`),
    check('campaigns_guard_percent_range', sql`${t.guardFailurePercent} between 1 and 99`),
    check('campaigns_guard_window_range', sql`${t.guardWindow} between 20 and 10000`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    campaignId: uuid().references(() => campaigns.id),
    userId: integer().references(() => users.id),
    senderName: text().notNull(),
    // E.164 with the leading '+'
    recipient: text().notNull(),
    country: text().notNull(),
    // A campaign's text is stored once, on the campaign: its messages have null here (read
    // coalesce(m.content, c.content)). A single message has its own.
    content: text(),
    encoding: messageEncoding().notNull(),
    parts: smallint().notNull(),
    points: units().notNull(),
    // Provider delivery-status code, see shared/spec/statuses.md (401..412)
    status: smallint().notNull().default(409),
    source: messageSource().notNull(),
    idx: text(),
    errorCode: integer(),
    // The operator network (MCC+MNC, e.g. 28401) its delivery report named, see lib/insights/networks.ts.
    network: text(),
    // The gateway's own id for the message, to match its delivery reports.
    gatewayMessageId: text(),
    createdAt: createdAt(),
    scheduledAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    check('messages_status_code', sql`${t.status} between 401 and 412`),
    check('messages_parts_positive', sql`${t.parts} between 1 and 10`),
    // History: keyset pagination newest first within an account.
    index('messages_account_created_idx').on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Recipient prefix search (LIKE '+35988%') needs pattern ops under a non-C collation.
    index('messages_account_recipient_idx').using(
      'btree',
      t.accountId,
      sql`${t.recipient} text_pattern_ops`,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('messages_account_sender_idx').on(t.accountId, t.senderName, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // History filtered by status (a rare final status over a long range would scan the range), and
    // the default window's messages still awaiting a delivery report (one branch per such status).
    index('messages_account_status_idx').on(t.accountId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // A campaign's messages in history order, for the bulk campaign page; read backwards, in the
    // order they were stored, for its CSV.
    index('messages_campaign_created_idx')
      .on(t.campaignId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.campaignId} is not null`),
    // Dispatch claims a campaign's waiting messages in id order; tiny once they are sent.
    index('messages_campaign_queued_idx').on(t.campaignId, t.id).where(sql`${t.status} = 409 and ${t.campaignId} is not null`),
    index('messages_gateway_id_idx').on(t.gatewayMessageId).where(sql`${t.gatewayMessageId} is not null`),
    // Periodic jobs read only the rows they change: expiry the overdue among those still awaiting
    // a report, recovery the overdue single messages still waiting to be sent.
    index('messages_awaiting_report_idx').on(t.sentAt).where(sql`${t.status} in (403, 410, 411)`),
    index('messages_single_queued_idx')
      .on(sql`greatest(${t.createdAt}, ${t.scheduledAt})`)
      .where(sql`${t.status} = 409 and ${t.campaignId} is null`),
  ],
);

// Delivery reports as the provider's callback (and the simulator) hand them in, until applied to
// their messages (lib/gateway/reports.ts). Storing one is a single insert, so the provider gets its
// OK as soon as the report is safe; applying happens in batches, one statement for many reports.
export const deliveryReportInbox = pgTable('delivery_report_inbox', {
  // arrival order, in which reports are applied
  id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  messageId: bigint({ mode: 'number' }),
  gatewayMessageId: text(),
  status: smallint().notNull(),
  doneAt: timestamp({ withTimezone: true }).notNull(),
  errorCode: integer(),
  network: text(),
  receivedAt: createdAt(),
});

// Messages per (campaign, status), kept by statement-level triggers on messages in the same
// transaction as every status change, so progress never needs to scan a campaign's messages.
export const campaignStatusCounts = pgTable(
  'campaign_status_counts',
  {
    campaignId: uuid()
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    status: smallint().notNull(),
    messages: integer().notNull(),
    points: units().notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.status] })],
);

// Messages per (account, UTC hour, status, source, bulk or not), kept by statement-level
// triggers on messages (insert, any update, delete) in the same transaction as the change, so
// the short report sums at most 24 x 366 buckets per status instead of scanning a year of
// messages. UTC hours roll up exactly into the local days of any zone whose offset is a whole
// number of hours (Europe/Sofia is); other zones fall back to scanning messages.
// Bulk loads in replica mode skip the triggers: call rebuildMessageRollup() afterwards.
export const messageHourlyCounts = pgTable(
  'message_hourly_counts',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    // date_trunc('hour', created_at, 'UTC')
    hour: timestamp({ withTimezone: true }).notNull(),
    status: smallint().notNull(),
    source: messageSource().notNull(),
    // campaign_id is not null
    bulk: boolean().notNull(),
    messages: integer().notNull(),
    parts: bigint({ mode: 'number' }).notNull(),
    points: units().notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.hour, t.status, t.source, t.bulk] })],
);

// Deliverability rollups (lib/insights), kept by one statement-level trigger on messages like the
// counters above, in the same transaction as every change, so that late, repeated and
// out-of-order reports leave them exact. Keyed by the day (and hour) of creation in the
// account's time zone: the report periods are whole local days, and a year is 365 days of
// rows, not 8,760 hours. Changing the account's time zone rebuilds its rows
// (delivery_counts_rebuild). Nullable keys (a single message has no campaign, a message without
// a report no network or error) are one key each: NULLS NOT DISTINCT. The counts by day and by
// time also have a row per local month (`month`, `day` its first day), so that a year is read
// from 12 month rows and the days of the months it covers in part.

// Messages per local day, campaign, sender name, country, network, status and error code.
export const deliveryDailyCounts = pgTable(
  'delivery_daily_counts',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    // a whole local month's row, `day` being its first day
    month: boolean().notNull(),
    day: date({ mode: 'string' }).notNull(),
    campaignId: uuid(),
    senderName: text().notNull(),
    country: text().notNull(),
    network: text(),
    status: smallint().notNull(),
    errorCode: integer(),
    messages: integer().notNull(),
  },
  (t) => [
    unique('delivery_daily_counts_key')
      .on(t.accountId, t.month, t.day, t.campaignId, t.senderName, t.country, t.network, t.status, t.errorCode)
      .nullsNotDistinct(),
    index('delivery_daily_counts_campaign_idx').on(t.campaignId).where(sql`${t.campaignId} is not null`),
  ],
);

// Messages with a final status by time from sent to done, delivered or not: bucket b holds
// [2^(b/4) - 1, 2^((b+1)/4) - 1) seconds (lib/insights/delivery-time.ts), about 19 % wide, so a
// percentile read from it is within one bucket of the exact one. Delivered or not, rather than
// each status: a year of it is a third as many rows (npm run bench -- insights).
export const deliveryTimeCounts = pgTable(
  'delivery_time_counts',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    month: boolean().notNull(),
    day: date({ mode: 'string' }).notNull(),
    campaignId: uuid(),
    network: text(),
    delivered: boolean().notNull(),
    bucket: smallint().notNull(),
    messages: integer().notNull(),
  },
  (t) => [
    unique('delivery_time_counts_key').on(t.accountId, t.month, t.day, t.campaignId, t.network, t.delivered, t.bucket).nullsNotDistinct(),
    index('delivery_time_counts_campaign_idx').on(t.campaignId).where(sql`${t.campaignId} is not null`),
  ],
);

// Messages per local day, local hour of the day (0-23) and outcome (delivery_outcome(): 0 delivered,
// 1 not delivered, 2 awaiting a report, 3 not sent): delivery by hour of day.
export const deliveryHourCounts = pgTable(
  'delivery_hour_counts',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    day: date({ mode: 'string' }).notNull(),
    hour: smallint().notNull(),
    outcome: smallint().notNull(),
    messages: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.hour, t.outcome] })],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    kind: ledgerKind().notNull(),
    // Signed: credits positive, debits negative.
    amount: units().notNull(),
    campaignId: uuid().references(() => campaigns.id),
    messageId: bigint({ mode: 'number' }),
    userId: integer().references(() => users.id),
    note: text().notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    index('ledger_entries_account_idx').on(t.accountId, t.createdAt.desc().nullsFirst()),
    // Backstop for "refund exactly once" per stopped campaign.
    uniqueIndex('ledger_entries_campaign_refund_key')
      .on(t.campaignId)
      .where(sql`${t.kind} = 'refund' and ${t.campaignId} is not null`),
    // A message the gateway refused outright is refunded once, alone.
    uniqueIndex('ledger_entries_message_refund_key')
      .on(t.messageId)
      .where(sql`${t.kind} = 'refund' and ${t.messageId} is not null`),
    check('ledger_entries_amount_nonzero', sql`${t.amount} <> 0`),
  ],
);

export const shortLinks = pgTable(
  'short_links',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    messageId: bigint({ mode: 'number' }).references(() => messages.id),
    code: text().notNull().unique(),
    targetUrl: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('short_links_message_idx').on(t.messageId)],
);

export const shortLinkClicks = pgTable(
  'short_link_clicks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    shortLinkId: bigint({ mode: 'number' })
      .notNull()
      .references(() => shortLinks.id, { onDelete: 'cascade' }),
    clickedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userAgent: text(),
  },
  (t) => [index('short_link_clicks_link_idx').on(t.shortLinkId, t.clickedAt)],
);

export type ReportOptions = {
  includeBulk: boolean;
  includeContent: boolean;
  idx: boolean;
  contacts: boolean;
  shortLinks: boolean;
  /** The language its files and e-mails are written in: the one its creator saw the portal in
   * (a periodic report runs with no browser to ask). Absent on reports made before it was kept. */
  language?: (typeof language.enumValues)[number];
  /** The IANA time zone its times are written in (with their offsets); absent: the account's. */
  timeZone?: string;
  /** "Export this view" (lib/views/export.ts): the History page's filters as parsed when it was
   * asked for, applied by the page's own SQL (lib/history/query.ts) instead of the period. */
  view?: HistoryViewOptions;
};

/** A History view's filters (lib/history/filters.ts HistoryFilters, without the page's cursor), as JSON. */
export type HistoryViewOptions = {
  /** the page's query string, normalised: what the user was looking at */
  query: string;
  /** the instant it was asked for: the page's now() */
  asOf: string;
  sender: string | null;
  recipientPrefix: string | null;
  statuses: number[];
  source: 'api' | 'portal' | null;
  campaign: string | null;
  /** ISO instants of the range's ends */
  range: { from: string; to: string; start: string; end: string } | null;
};

export const reportDefinitions = pgTable(
  'report_definitions',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer()
      .notNull()
      .references(() => users.id),
    name: text().notNull(),
    method: reportMethod().notNull(),
    frequency: reportFrequency(),
    type: reportType().notNull(),
    format: reportFormat().notNull(),
    // For one-off reports: the chosen period, whole days in the account's time zone.
    periodFrom: text(),
    periodTo: text(),
    options: jsonb().$type<ReportOptions>().notNull(),
    emails: text().array().notNull().default(sql`'{}'::text[]`),
    paused: boolean().notNull().default(false),
    nextRunAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('report_definitions_account_idx').on(t.accountId, t.createdAt.desc().nullsFirst()),
    index('report_definitions_due_idx').on(t.nextRunAt).where(sql`${t.method} = 'periodic' and not ${t.paused}`),
  ],
);

export const reportRuns = pgTable(
  'report_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    definitionId: uuid()
      .notNull()
      .references(() => reportDefinitions.id, { onDelete: 'cascade' }),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    status: reportRunStatus().notNull().default('queued'),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    rowsDone: bigint({ mode: 'number' }).notNull().default(0),
    rowsEstimated: bigint({ mode: 'number' }),
    sizeBytes: bigint({ mode: 'number' }),
    fileName: text(),
    contentType: text(),
    error: text(),
    createdAt: createdAt(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('report_runs_account_idx').on(t.accountId, t.createdAt.desc().nullsFirst()),
    // A schedule produces at most one run per period.
    uniqueIndex('report_runs_definition_period_key').on(t.definitionId, t.periodStart, t.periodEnd),
  ],
);

// Generated report files live in Postgres, in chunks, so every app instance can serve them.
export const reportFileChunks = pgTable(
  'report_file_chunks',
  {
    runId: uuid()
      .notNull()
      .references(() => reportRuns.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    idempotencyKey: text().notNull().unique(),
    to: text().array().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    attachments: jsonb().$type<{ filename: string; runId: string }[]>().notNull().default([]),
    status: emailStatus().notNull().default('queued'),
    attempts: integer().notNull().default(0),
    providerId: text(),
    error: text(),
    createdAt: createdAt(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('email_outbox_account_idx').on(t.accountId, t.createdAt.desc().nullsFirst())],
);

// API requests with an Idempotency-Key: the first response is kept for 24 h and replayed.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    key: text().notNull(),
    // SHA-256 of the method, path and parameters: the same key with other parameters is refused.
    requestHash: text().notNull(),
    status: integer().notNull(),
    response: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

// API requests that presented a bad token, per client address: past the limit the address is
// refused for the window without a look at its tokens, so guessing from one address stops there.
export const apiTokenFailures = pgTable(
  'api_token_failures',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ip: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('api_token_failures_ip_idx').on(t.ip, t.createdAt), index('api_token_failures_created_idx').on(t.createdAt)],
);

// Sign-in attempts, counted in Postgres so that rate limits hold across app instances.
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ip: text().notNull(),
    email: text().notNull(),
    userId: integer().references(() => users.id),
    succeeded: boolean().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('sign_in_attempts_ip_idx').on(t.ip, t.createdAt),
    index('sign_in_attempts_email_idx').on(t.email, t.createdAt),
    // The daily prune reads only what it deletes.
    index('sign_in_attempts_created_idx').on(t.createdAt),
  ],
);

// Signed-in sessions. The session's JWT carries the row's id (sid) and every request checks
// the row, so signing out (ended_at) ends that session on the server: a copied cookie stops
// working, while the user's other sessions go on.
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    endedAt: timestamp({ withTimezone: true }),
  },
  // The daily prune reads only what it deletes: ended sessions and those past their age.
  (t) => [index('user_sessions_created_idx').on(t.createdAt), index('user_sessions_ended_idx').on(t.endedAt).where(sql`${t.endedAt} is not null`)],
);

// Who did what, when and from where: append-only like the ledger (a trigger refuses UPDATE,
// DELETE and TRUNCATE). userId is null for what no signed-in user did (a failed sign-in, a signed
// link opened by whoever holds it). target names what the action was done to ('campaign', id).
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer().references(() => users.id),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    ip: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_account_idx').on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // A campaign's (or a report's) own trail.
    index('audit_events_target_idx')
      .on(t.accountId, t.targetType, t.targetId, t.createdAt.desc().nullsFirst())
      .where(sql`${t.targetId} is not null`),
    check('audit_events_action_format', sql`${t.action} ~ '^[a-z_]+\\.[a-z_]+$'`),
  ],
);

// A user's named filters of a list page (history, contacts): the page's query string, replayed.
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id),
    userId: integer()
      .notNull()
      .references(() => users.id),
    page: text().notNull(),
    name: text().notNull(),
    query: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('saved_views_user_page_name_key').on(t.userId, t.page, sql`lower(${t.name})`),
    check('saved_views_page', sql`${t.page} in ('history', 'contacts')`),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Campaign = typeof campaigns.$inferSelect;
