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
