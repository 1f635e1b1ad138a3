import { withDatabase } from './with-database';

await withDatabase(async () => console.log('Migrations applied.'));
