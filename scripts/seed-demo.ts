import { seedDemo } from '../db/seed/demo';
import { withDatabase } from './with-database';

const created = await withDatabase(() => seedDemo(console.log));
console.log(created.length ? `Demo data created: ${created.join(', ')}` : 'Demo accounts already exist; nothing changed.');
