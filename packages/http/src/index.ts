export {
  ApiUser,
  ApiUsers,
  type Authenticator,
  bearerAuthenticator,
  issueTokens,
  loadApiUsers,
  type Principal,
  tokenSha256,
} from './bearer-auth.js';
export { createHttpServer, type HttpServerOptions } from './http-server.js';
export { documentedRoutes, openApiDocument } from './openapi.js';
export { HttpError, type Problem, problemFrom } from './problem.js';
export { emptyBody, type Method, type Route, type RouteRequest, type RouteResult, route } from './route.js';
