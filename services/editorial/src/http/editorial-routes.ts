import {
  ConfidentialityReviewRequest,
  CreateDraftRequest,
  PublishResult,
  RecordReviewRequest,
  StartRevisionRequest,
  UpdateDraftRequest,
} from '@tongyuan/contracts';
import { documentedRoutes, HttpError, type Route, route } from '@tongyuan/http';
import type { EditorialDesk } from '../editorial-desk.js';
import { idempotencyKeyFrom } from '../release/idempotency.js';
import { reviewerRoles, roles, staffRoles } from '../roles.js';

const revisionNumber = (text: string | undefined): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new HttpError(400, 'invalid_input', 'revision must be a positive integer', [
      { field: 'path revision', reason: 'not a positive integer' },
    ]);
  return value;
};

/** The editors' API, one table: path, roles, body schema, use case. */
export const editorialRoutes = (
  desk: EditorialDesk,
  views: { deliveries: (documentId: string) => Promise<unknown> },
): Route[] => {
  const routes: Route[] = [
    route({
      method: 'POST',
      path: '/v1/documents',
      summary: 'Create a document with its first draft',
      access: [roles.editor],
      body: CreateDraftRequest,
      successStatus: 201,
      handle: async ({ principal, body }) => ({ status: 201, body: await desk.createDraft(principal, body.content) }),
    }),
    route({
      method: 'GET',
      path: '/v1/documents/{id}',
      summary: 'A document: its open draft (with what the text screen finds now) and its released revisions',
      access: staffRoles,
      handle: async ({ params }) => ({ body: await desk.view(params.id ?? '') }),
    }),
    route({
      method: 'PUT',
      path: '/v1/documents/{id}/draft',
      summary: 'Replace the draft content; recorded reviews are cleared (一事一审)',
      access: [roles.editor],
      body: UpdateDraftRequest,
      handle: async ({ principal, params, body }) => ({ body: await desk.updateDraft(principal, params.id ?? '', body.content) }),
    }),
    route({
      method: 'POST',
      path: '/v1/documents/{id}/draft/mask-personal-data',
      summary: 'Replace every personal-data finding in the draft with its masked form',
      access: [roles.editor],
      handle: async ({ principal, params }) => ({ body: await desk.maskPersonalData(principal, params.id ?? '') }),
    }),
    route({
      method: 'POST',
      path: '/v1/documents/{id}/draft/reviews',
      summary: 'Record the next 三审 stage (自审 → 审核 → 批审), each by a different person with the stage’s role',
      access: reviewerRoles,
      body: RecordReviewRequest,
      handle: async ({ principal, params, body }) => ({ body: await desk.recordReview(principal, params.id ?? '', body) }),
    }),
    route({
      method: 'POST',
      path: '/v1/documents/{id}/draft/confidentiality-review',
      summary: 'Record the 保密审查 conclusion',
      access: [roles.confidentiality],
      body: ConfidentialityReviewRequest,
      handle: async ({ principal, params, body }) => ({
        body: await desk.recordConfidentialityReview(principal, params.id ?? '', body),
      }),
    }),
    route({
      method: 'POST',
      path: '/v1/documents/{id}/revisions',
      summary: 'Open the draft of the next revision: a correction, a withdrawal or a validity change',
      access: [roles.editor],
      body: StartRevisionRequest,
      successStatus: 201,
      handle: async ({ principal, params, body }) => ({
        status: 201,
        body: await desk.startRevision(principal, params.id ?? '', body),
      }),
    }),
    route({
      method: 'POST',
      path: '/v1/documents/{id}/publish',
      summary: 'Release the draft once every gate passes; a policy and its interpretation are released together',
      access: [roles.editor],
      response: PublishResult,
      successStatus: 201,
      headers: [
        { name: 'Idempotency-Key', required: true, description: 'a retried request with the same key returns the first answer' },
      ],
      handle: async ({ principal, params, headers }) => desk.publish(principal, params.id ?? '', idempotencyKeyFrom(headers)),
    }),
    route({
      method: 'GET',
      path: '/v1/documents/{id}/revisions/{revision}',
      summary: 'One released revision, exactly as it was emitted, with its fingerprint',
      access: staffRoles,
      handle: async ({ params }) => ({ body: await desk.revision(params.id ?? '', revisionNumber(params.revision)) }),
    }),
    route({
      method: 'GET',
      path: '/v1/documents/{id}/deliveries',
      summary: 'Where each revision is live: the latest delivery state per channel and target',
      access: staffRoles,
      handle: async ({ params }) => {
        await desk.view(params.id ?? ''); // 404 for unknown documents
        return { body: await views.deliveries(params.id ?? '') };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/documents/{id}/audit',
      summary: 'Who did what to the document, and when',
      access: staffRoles,
      handle: async ({ params }) => ({ body: await desk.auditTrail(params.id ?? '') }),
    }),
  ];
  return documentedRoutes(
    {
      title: 'tongyuan editorial API',
      version: '1.0.0',
      description: 'Drafts, 三审, 保密审查 and release of government documents (publish once)',
    },
    routes,
  );
};
