// Test and demo staff of the editors' API: one person per role, plus one who holds every review role.
import { roles } from './roles.js';

export const staff = {
  editor: { id: 'staff-editor', name: '张编辑', roles: [roles.editor] },
  officeHead: { id: 'staff-office-head', name: '王科长', roles: [roles.officeHead] },
  leader: { id: 'staff-leader', name: '李副主任', roles: [roles.leader] },
  principal: { id: 'staff-principal', name: '陈主任', roles: [roles.principal] },
  confidentiality: { id: 'staff-secrecy', name: '刘保密员', roles: [roles.confidentiality] },
  allReviewer: { id: 'staff-all-reviewer', name: '赵兼任', roles: [roles.officeHead, roles.leader, roles.principal] },
  archivist: { id: 'staff-archivist', name: '孙档案员', roles: [roles.archivist] },
  /** The second archivist who approves an issue before it is published (四眼原则). */
  archivist2: { id: 'staff-archivist-2', name: '吴档案员', roles: [roles.archivist] },
  ops: { id: 'staff-ops', name: '周运维', roles: [roles.ops] },
} as const;

export type StaffMember = keyof typeof staff;
