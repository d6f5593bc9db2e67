// The role vocabulary is plain data that domain code reads too (event read scopes), so it lives in
// security/domain; this path stays for the controllers and guards that import it.
export { Role, ALL_ROLES, SERVICE_ACCOUNT_ROLES } from './domain/roles';
