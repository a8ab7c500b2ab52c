// The public API of @tongyuan/wechat-api/fake: a faithful fake WeChat API server, for tests and npm start.
export {
  type FakeApp,
  type FakeDraft,
  type FakeDraftArticle,
  type FakeEndpoint,
  type FakeMaterial,
  type FakePublishJob,
  type FakeUploadedImage,
  type FakeWechatOptions,
  FakeWechatServer,
  fakeEndpoints,
  fakeLimits,
} from './fake-wechat.server.js';
export { parseMultipart, sniffImage } from './multipart.js';
