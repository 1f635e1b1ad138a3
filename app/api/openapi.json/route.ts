import { openApiDocument } from '@/lib/api/openapi';
import { apiRoute } from '@/lib/gates/api';

// The API's description, public like any API documentation; `servers` is read from APP_URL at run time.
export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => Response.json(openApiDocument()));
