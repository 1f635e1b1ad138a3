import { setupServer } from 'msw/node';

// Outside HTTP APIs (e-mail, the provider) are mocked here; anything unhandled fails the test.
export const mockHttp = setupServer();
