import { sql as dsql } from 'drizzle-orm';
import { db, sqlClient } from '@/db';
import { accounts, campaigns, contactGroupMembers, contactGroups, contacts, ledgerEntries } from '@/db/schema';
import { addSenderName, createAccount, createUser, findAccountByName } from '@/lib/accounts';
import { createContactField } from '@/lib/contacts/fields';
import { optOutNumbers } from '@/lib/contacts/opt-outs';
import { POINT_UNITS } from '@/lib/messaging';
import { generateMessages, templates } from './messages';

export const DEMO_PASSWORD = 'demo-password-2026';

// The demo's messages are to Bulgaria; the price comes with the migrations (0003_default_prices).
export const BG_UNITS_PER_PART = 650;

const FIRST_NAMES = ['Иван', 'Мария', 'Георги', 'Елена', 'Petar', 'Anna', 'Николай', 'Десислава', 'Stefan', 'Viktoria'];
const LAST_NAMES = ['Иванов', 'Петрова', 'Георгиев', 'Димитрова', 'Nikolov', 'Stoyanova', 'Тодоров', 'Kirova'];
const CITIES = ['София', 'Пловдив', 'Варна', 'Бургас', 'Русе', 'Stara Zagora'];

type DemoAccount = {
  name: string;
  owner: string;
  member?: string;
  viewer?: string;
  senders: string[];
  messages: number;
  contacts: number;
  groups: string[];
  topUpPoints: number;
  campaigns: { status: 'completed' | 'stopped' | 'paused' | 'sending' | 'scheduled'; recipients: number; sent: number; daysAgo: number; name: string }[];
};

const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    name: 'Demo',
    owner: 'demo@example.com',
    member: 'maria@example.com',
    viewer: 'accountant@example.com',
    senders: ['DemoShop', 'DemoBank', 'Info'],
    messages: 44_000,
    contacts: 200,
    groups: ['Clients', 'VIP', 'Staff', 'Newsletter'],
    topUpPoints: 10_000,
    campaigns: [
      { status: 'completed', recipients: 1_500, sent: 1_500, daysAgo: 120, name: 'Summer sale' },
      { status: 'completed', recipients: 900, sent: 900, daysAgo: 30, name: 'Коледна промоция' },
      { status: 'stopped', recipients: 800, sent: 300, daysAgo: 12, name: 'Wrong price list' },
      { status: 'paused', recipients: 1_000, sent: 420, daysAgo: 1, name: 'Black Friday' },
      { status: 'sending', recipients: 3_000, sent: 500, daysAgo: 0, name: 'Напомняне за плащане' },
      { status: 'scheduled', recipients: 600, sent: 0, daysAgo: -1, name: 'New Year greetings' },
    ],
  },
  {
    name: 'Other',
    owner: 'other@example.com',
    senders: ['OtherCo'],
    messages: 2_000,
    contacts: 20,
    groups: ['Customers'],
    topUpPoints: 1_000,
    campaigns: [{ status: 'completed', recipients: 300, sent: 300, daysAgo: 20, name: 'Launch' }],
  },
];

/** Seeds the demo accounts unless they exist. Returns the names of the accounts it created. */
export async function seedDemo(log: (line: string) => void = () => {}): Promise<string[]> {
  const created: string[] = [];
  for (const spec of DEMO_ACCOUNTS) {
    if (await findAccountByName(spec.name)) continue;
    await seedAccount(spec, log);
    created.push(spec.name);
  }
  return created;
}

async function seedAccount(spec: DemoAccount, log: (line: string) => void): Promise<void> {
  const sql = sqlClient();
  const unitsPerPart = BG_UNITS_PER_PART;
  const account = await createAccount({ name: spec.name });
  const owner = await createUser({ accountId: account.id, email: spec.owner, password: DEMO_PASSWORD, name: spec.name + ' Owner', role: 'owner' });
  const userIds = [owner.id];
  if (spec.member) {
    const member = await createUser({ accountId: account.id, email: spec.member, password: DEMO_PASSWORD, name: 'Мария Петрова', role: 'member', language: 'bg' });
    userIds.push(member.id);
  }
  // A colleague who reads and downloads only (the accountant who reconciles points).
  if (spec.viewer) await createUser({ accountId: account.id, email: spec.viewer, password: DEMO_PASSWORD, name: 'Accountant', role: 'viewer' });
  for (const sender of spec.senders) await addSenderName(account.id, sender);

  const city = await createContactField(account.id, { name: 'City', type: 'text' });
  const customerNo = await createContactField(account.id, { name: 'Customer no', type: 'text' });
  const contactRows = await db
    .insert(contacts)
    .values(
      Array.from({ length: spec.contacts }, (_, i) => ({
        accountId: account.id,
        phone: `+35988810${String(i + 1).padStart(4, '0')}`,
        firstName: FIRST_NAMES[i % FIRST_NAMES.length],
        lastName: LAST_NAMES[(i * 7) % LAST_NAMES.length],
        email: i % 3 === 0 ? null : `contact${i + 1}@example.com`,
        customFields: { [city.id]: CITIES[i % CITIES.length], [customerNo.id]: `C-${1000 + i}` },
      })),
    )
    .returning({ id: contacts.id });
  // A few numbers asked not to get messages: a send to their groups skips them.
  await optOutNumbers(account.id, ['+359888100005', '+359888100012', '+359888100020'], { reason: 'Asked to stop (demo)', source: 'portal', userId: owner.id });
  const groupRows = await db
    .insert(contactGroups)
    .values(spec.groups.map((name) => ({ accountId: account.id, name })))
    .returning({ id: contactGroups.id });
  await db.insert(contactGroupMembers).values(
    contactRows.flatMap((contact, i) =>
      groupRows.filter((_, g) => g === 0 || (i + g) % (g + 2) === 0).map((group) => ({ groupId: group.id, contactId: contact.id })),
    ),
  );

  const entries: (typeof ledgerEntries.$inferInsert)[] = [
    {
      accountId: account.id,
      kind: 'top_up',
      amount: spec.topUpPoints * POINT_UNITS,
      note: 'Demo top-up',
      createdAt: new Date(Date.now() - 401 * 86_400_000),
    },
  ];

  await generateMessages(sql, {
    accountId: account.id,
    count: spec.messages,
    days: 400,
    senders: spec.senders,
    userIds,
    unitsPerPart,
  });
  const [{ spent }] = await sql<{ spent: string }[]>`
    select coalesce(sum(points), 0)::text as spent from messages where account_id = ${account.id}`;
  entries.push({ accountId: account.id, kind: 'debit', amount: -Number(spent), note: `Demo history: ${spec.messages} messages` });

  const tpls = templates();
  for (const [i, c] of spec.campaigns.entries()) {
    const template = tpls[(i * 5 + 3) % tpls.length];
    const createdAt = new Date(Date.now() - c.daysAgo * 86_400_000 - (c.daysAgo > 0 ? 3_600_000 : c.daysAgo === 0 ? 600_000 : 0));
    const points = c.recipients * template.parts * unitsPerPart;
    const [campaign] = await db
      .insert(campaigns)
      .values({
        accountId: account.id,
        userId: owner.id,
        name: c.name,
        senderName: spec.senders[i % spec.senders.length],
        content: template.content,
        encoding: template.encoding,
        parts: template.parts,
        status: c.status,
        // The demo's sending campaign goes slowly (its 2,500 waiting messages take about 40 minutes),
        // so its live progress can be watched, and it is still sending when the browser tests pause it.
        rate: c.status === 'sending' ? 1 : 50,
        recipients: c.recipients,
        points,
        pointsRefunded: c.status === 'stopped' ? (c.recipients - c.sent) * template.parts * unitsPerPart : 0,
        scheduledAt: c.status === 'scheduled' ? createdAt : null,
        startedAt: c.status === 'scheduled' ? null : createdAt,
        finishedAt: c.status === 'completed' || c.status === 'stopped' ? new Date(createdAt.getTime() + 3_600_000) : null,
        createdAt: c.status === 'scheduled' ? new Date() : createdAt,
      })
      .returning({ id: campaigns.id });
    const range = await generateMessages(sql, {
      accountId: account.id,
      count: c.recipients,
      days: 0,
      senders: spec.senders,
      userIds: [owner.id],
      unitsPerPart,
      campaign: {
        id: campaign.id,
        template,
        sender: spec.senders[i % spec.senders.length],
        createdAt: c.status === 'scheduled' ? new Date() : createdAt,
        spreadMinutes: c.status === 'scheduled' ? 0 : 20,
      },
    });
    // The part never handed to the gateway: waiting (scheduled, paused, sending) or stopped
    // (0 points: refunded, as stopCampaign leaves them).
    const unsentStatus = c.status === 'stopped' ? 412 : 409;
    await sql`
      update messages
      set status = ${unsentStatus}, sent_at = null, done_at = null, error_code = null, network = null,
          points = case when ${unsentStatus}::int = 412 then 0 else points end,
          scheduled_at = ${c.status === 'scheduled' ? createdAt.toISOString() : null}::timestamptz
      where campaign_id = ${campaign.id} and id >= ${range.minId + c.sent}`;
    entries.push({ accountId: account.id, kind: 'debit', amount: -points, campaignId: campaign.id, note: `Campaign ${c.name}` });
    if (c.status === 'stopped') {
      entries.push({
        accountId: account.id,
        kind: 'refund',
        amount: (c.recipients - c.sent) * template.parts * unitsPerPart,
        campaignId: campaign.id,
        note: `Refund for stopped campaign ${c.name}`,
      });
    }
  }

  // The cached balance moves by exactly the ledger's sum, in one transaction.
  await db.transaction(async (tx) => {
    await tx.insert(ledgerEntries).values(entries);
    await tx
      .update(accounts)
      .set({ balance: dsql`(select sum(amount) from ${ledgerEntries} where ${ledgerEntries.accountId} = ${account.id})` })
      .where(dsql`${accounts.id} = ${account.id}`);
  });
  await sql`analyze messages`;
  log(`seeded account ${spec.name}: ${spec.messages} messages, ${spec.campaigns.length} campaigns, ${spec.contacts} contacts`);
}
