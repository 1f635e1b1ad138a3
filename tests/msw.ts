import { setupServer } from 'msw/node';

// Outside HTTP APIs (e-mail, the provider) are mocked here. MSW 3 names the old
// onUnhandledRequest option onUnhandledFrame: anything unhandled fails the test.
export const mockHttp = setupServer();
