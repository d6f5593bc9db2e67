/** The roles of DESIGN §4, as a string enum shared by guards, Swagger and the database seed. */
export enum Role {
  Admin = 'admin',
  ComplianceOfficer = 'compliance_officer',
  Analyst = 'analyst',
  Auditor = 'auditor',
  Operator = 'operator',
  Ingest = 'ingest',
}

export const ALL_ROLES: Role[] = Object.values(Role);

/**
 * The only roles a service account (the owner of an API key) may hold. A key is a static secret
 * kept on a producer's servers; anything more than sending events would make it a standing admin
 * credential.
 */
export const SERVICE_ACCOUNT_ROLES: readonly Role[] = [Role.Ingest];
