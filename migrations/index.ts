// Every migration, in timestamp order. The DataSource takes this list (not a glob) so the same
// classes run from the compiled CLI, the app and the tests.
import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { PipelineOperations1764288000000 } from './1764288000000-PipelineOperations';
import { ViolationsAlerting1764460800000 } from './1764460800000-ViolationsAlerting';
import { MlState1764547200000 } from './1764547200000-MlState';
import { ComplianceState1764590400000 } from './1764590400000-ComplianceState';
import { AnalyticsReporting1764633600000 } from './1764633600000-AnalyticsReporting';
import { AccumulatingBatches1764720000000 } from './1764720000000-AccumulatingBatches';
import { RuleBudgets1765000000000 } from './1765000000000-RuleBudgets';
import { DeliveryResponseBody1765300000000 } from './1765300000000-DeliveryResponseBody';
import { PostureActiveViewers1766000000000 } from './1766000000000-PostureActiveViewers';
import { LegalHolds1766000100000 } from './1766000100000-LegalHolds';
import { VppaSelfDisclosure1766000200000 } from './1766000200000-VppaSelfDisclosure';
import { CcpaCaliforniaBySubdivision1766100000000 } from './1766100000000-CcpaCaliforniaBySubdivision';
import { UsStatePrivacyPack1766600000000 } from './1766600000000-UsStatePrivacyPack';
import { SupersededFindingsAndAccessReports1766700000000 } from './1766700000000-SupersededFindingsAndAccessReports';
import { LeanerIngestWrites1766900000000 } from './1766900000000-LeanerIngestWrites';

export const MIGRATIONS = [
  InitialSchema1764201600000,
  PipelineOperations1764288000000,
  ViolationsAlerting1764460800000,
  MlState1764547200000,
  ComplianceState1764590400000,
  AnalyticsReporting1764633600000,
  AccumulatingBatches1764720000000,
  RuleBudgets1765000000000,
  DeliveryResponseBody1765300000000,
  PostureActiveViewers1766000000000,
  LegalHolds1766000100000,
  VppaSelfDisclosure1766000200000,
  CcpaCaliforniaBySubdivision1766100000000,
  UsStatePrivacyPack1766600000000,
  SupersededFindingsAndAccessReports1766700000000,
  LeanerIngestWrites1766900000000,
];
