export { createHttpServer, type HttpServerOptions } from './http-server.js';
export { route, emptyBody, type Route, type RouteRequest, type RouteResult, type Method } from './route.js';
export { HttpError, problemFrom, type Problem } from './problem.js';
export { openApiDocument } from './openapi.js';
export {
  ApiUser,
  ApiUsers,
  bearerAuthenticator,
  loadApiUsers,
  tokenSha256,
  type Authenticator,
  type Principal,
} from './bearer-auth.js';
