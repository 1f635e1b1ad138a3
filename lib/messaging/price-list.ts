import { asc } from 'drizzle-orm';
import { db } from '@/db';
import { prices } from '@/db/schema';

/** Points per message part for each country, by country code. */
export function listPrices() {
  return db.select().from(prices).orderBy(asc(prices.country));
}
