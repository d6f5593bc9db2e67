import { SEVERITIES } from '../../common/domain/severity';

/** `('low', 'medium', 'high', 'critical')`: the severity scale as the CHECK constraints of the migrations spell it. */
export const SEVERITY_SQL_LIST = `(${SEVERITIES.map((severity) => `'${severity}'`).join(', ')})`;
