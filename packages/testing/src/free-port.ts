// Where ports come from lives with the servers that need them; tests import them from here as before.
export { freePort, freeServerPort } from '@tongyuan/infra';
