import { runAdminCommand } from '../lib/admin/commands';
import { fail, withDatabase } from './with-database';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
try {
  const result = await withDatabase(() => runAdminCommand(argv));
  console.log(json ? JSON.stringify(result.json) : result.lines.join('\n'));
} catch (error) {
  fail(error, json);
}
