/**
 * What behaviour scripts share: the seeded streams, the event factory, the population, each viewer's
 * state as the platform should see it (consents, parental consent, opt-outs), and the support roster.
 * A script is a generator of steps: it yields one event at a time and resumes with the time that event
 * was emitted, so every decision is taken on the state as of that moment.
 */
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import type { ConsentPurpose, DsrType } from '../../src/ingestion/domain/event-vocabulary';
import { EventFactory, type EventOrigin } from './event-factory';
import type { Device, Population, StaffMember, Viewer } from './population';
import type { SeededRng } from './seeded-rng';
import { parentalConsentAge, STAFF_USER_AGENT, youngestAge } from './world';

export type ScenarioName =
  | 'credential_stuffing'
  | 'account_sharing'
  | 'insider_bulk_access'
  | 'tracking_without_consent'
  | 'vppa_disclosure'
  | 'child_without_parental_consent'
  | 'dsr_overdue'
  | 'transfer_without_adequacy'
  | 'sale_after_opt_out';

/**
 * Marks an event as part of a scenario's violating sequence. `trigger` events are the ones a rule (or the
 * anomaly model) should flag; `sequence` events are the rest of the pattern (the antecedent login
 * failures, the opt-out, the backdated request…).
 */
export interface StepLabel {
  scenario: ScenarioName;
  role: 'trigger' | 'sequence';
  /** Set by the generator from the scenario instance. */
  viewerId?: string;
  actorId?: string;
  /** A viewer whose data the violating actor touched (insider victims). */
  affectedViewerId?: string;
  /** Triggers: the seed rules expected to fire on this event (none: only the anomaly model can see it). */
  rules?: readonly string[];
}

export interface Step {
  /** Wait after the previous step of the same script was emitted (ignored for a script's first step). */
  delayMs: number;
  /** Builds the event at its emission time. */
  build(atMs: number): IngestedEvent;
  label?: StepLabel;
}

/** Yields steps; each `yield` evaluates to the emission time of the step just yielded. */
export type Script = Generator<Step, void, number>;

export function step(delayMs: number, build: (atMs: number) => IngestedEvent, label?: StepLabel): Step {
  return label === undefined ? { delayMs, build } : { delayMs, build, label };
}

/** Probabilities of the less frequent behaviours, per session unless said otherwise. */
export interface BehaviourRates {
  /** A login starts with one or two failed attempts (wrong password). */
  loginFailure: number;
  /** After failed attempts, the viewer resets the password. */
  passwordReset: number;
  /** A consent is withdrawn (and, half the time, granted again later in the session). */
  consentWithdrawal: number;
  /** A purpose the viewer had not accepted is granted. */
  consentGrant: number;
  /** A data-subject request is opened. */
  dsr: number;
  /** Of requests: the privacy team notifies an extension before answering. */
  dsrExtension: number;
  /** Of requests: refused (manifestly unfounded). */
  dsrRefusal: number;
  /** The viewer closes the account and leaves. */
  accountClosure: number;
  /** A support agent reads the viewer's data under a ticket. */
  staffAccess: number;
  /** Data goes to a processor or partner. */
  share: number;
  /** Per playback: the player reports an error. */
  clientError: number;
  /** The API gateway reports an error. */
  apiError: number;
  /** Per session start: a security breach is confirmed (and notified to the authority). */
  breach: number;
}

export const DEFAULT_BEHAVIOUR_RATES: Readonly<BehaviourRates> = {
  loginFailure: 0.06,
  passwordReset: 0.2,
  consentWithdrawal: 0.04,
  consentGrant: 0.03,
  dsr: 0.012,
  dsrExtension: 0.15,
  dsrRefusal: 0.05,
  accountClosure: 0.002,
  staffAccess: 0.04,
  share: 0.15,
  clientError: 0.04,
  apiError: 0.02,
  breach: 0.0002,
};

export interface GrantedConsent {
  separateForm: boolean;
  explicit: boolean;
}

/** A viewer's state as the platform knows it; scripts read it to stay lawful (or, in scenarios, not). */
export interface ViewerRuntime {
  onboarded: boolean;
  granted: Map<ConsentPurpose, GrantedConsent>;
  parentalVerified: boolean;
  /** Opted out of sale/sharing (CCPA request or withdrawal); never sold or shared again. */
  optedOutOfSale: boolean;
  limitedSpi: boolean;
  /** Has a request the platform leaves unanswered (dsr_overdue): opens no other. */
  overdueRequest: boolean;
  /** Closed the account (or had it erased): no more activity. */
  retired: boolean;
  /** A script is running for this viewer. */
  busy: boolean;
  /** Held for a scenario that has not started or finished yet. */
  reserved: boolean;
  /** The scenario the viewer plays, if any. */
  scenario?: ScenarioName;
  /** Recipients the viewer's data went to (notified on erasure). */
  recipients: Set<string>;
  /** Countries the viewer logged in from. */
  loginCountries: Set<string>;
  /** Age from an age check, and when it was checked. */
  verifiedAge: { age: number; atMs: number } | null;
  /** Closed the account; the retention job has not deleted its data yet (done at close-out if the run ends first). */
  awaitingDeletion: boolean;
  /** Requests opened by normal behaviour and not answered yet (answered at close-out if the run ends first). */
  openRequests: Map<string, OpenRequest>;
}

export interface OpenRequest {
  type: DsrType;
  /** Erasure: the deletion was recorded. */
  deleted: boolean;
  /** Erasure: recipients already told. */
  notified: Set<string>;
}

const HOUR_MS = 3_600_000;
const YEAR_MS = 365.25 * 24 * HOUR_MS;

/** What an erasure deletes (everything but billing records kept under a legal obligation). */
export const ERASED_CATEGORIES: readonly string[] = [
  'account',
  'viewing_history',
  'device_identifiers',
  'age_verification',
  'contact',
];
/** Distinct viewers a support agent reads in an hour, kept well under the bulk-access threshold (100). */
const SUPPORT_DISTINCT_VIEWERS_PER_HOUR = 40;

/** Who read whom in the last hour, so that normal support work never looks like bulk access. */
class SupportRoster {
  private readonly reads = new Map<string, Map<string, number>>();

  constructor(
    private readonly staff: StaffMember[],
    private readonly rng: SeededRng,
  ) {}

  /** An agent with capacity left for this viewer, who is then counted as having read them at `atMs`. */
  acquire(atMs: number, viewerId: string): StaffMember | null {
    if (this.staff.length === 0) return null;
    for (let attempt = 0; attempt < 6; attempt++) {
      const agent = this.rng.pick(this.staff);
      const seen = this.reads.get(agent.id) ?? new Map<string, number>();
      for (const [viewer, at] of seen) if (at <= atMs - HOUR_MS) seen.delete(viewer);
      if (seen.has(viewerId) || seen.size < SUPPORT_DISTINCT_VIEWERS_PER_HOUR) {
        seen.set(viewerId, atMs);
        this.reads.set(agent.id, seen);
        return agent;
      }
    }
    return null;
  }

  remove(agentId: string): void {
    const i = this.staff.findIndex((s) => s.id === agentId);
    if (i >= 0) this.staff.splice(i, 1);
  }
}

export class SimulationState {
  /**
   * Multiplies the waits inside scenario sequences: short runs play them faster so they complete (rule
   * windows are upper bounds, so a faster sequence is as much a violation).
   */
  scenarioPace = 1;
  readonly factory: EventFactory;
  readonly support: SupportRoster;
  private readonly runtimes: ViewerRuntime[];

  constructor(
    /** Decisions of the scripts. */
    readonly rng: SeededRng,
    ids: SeededRng,
    readonly population: Population,
    readonly rates: Readonly<BehaviourRates>,
  ) {
    this.factory = new EventFactory(ids);
    this.support = new SupportRoster(population.supportStaff.slice(), rng.fork('roster'));
    this.runtimes = population.viewers.map(() => ({
      onboarded: false,
      granted: new Map(),
      parentalVerified: false,
      optedOutOfSale: false,
      limitedSpi: false,
      overdueRequest: false,
      retired: false,
      busy: false,
      reserved: false,
      recipients: new Set(),
      loginCountries: new Set(),
      openRequests: new Map(),
      awaitingDeletion: false,
      verifiedAge: null,
    }));
  }

  runtime(viewer: Viewer): ViewerRuntime {
    return this.runtimes[viewer.index];
  }

  /**
   * Finishes what normal behaviour left half done when the run ended, at `atMs`: every open request is
   * answered (with the deletion and recipient notices an erasure still lacks) and closed accounts are
   * purged. Without this a clean viewer would turn up in the deadline and retention checks days later.
   */
  finishPendingWork(atMs: number): IngestedEvent[] {
    const events: IngestedEvent[] = [];
    let at = atMs;
    for (const viewer of this.population.viewers) {
      const rt = this.runtime(viewer);
      for (const [requestId, request] of rt.openRequests) {
        const origin = this.serviceOrigin('dsr-processor', viewer.id);
        if (request.type === 'erasure' || request.type === 'delete') {
          if (!request.deleted) {
            events.push(
              this.factory.build('data.deleted', at++, origin, {
                categories: [...ERASED_CATEGORIES],
                requestId,
              }),
            );
          }
          for (const recipient of rt.recipients) {
            if (!request.notified.has(recipient)) {
              events.push(
                this.factory.build('dsr.recipient_notified', at++, origin, { requestId, recipient }),
              );
            }
          }
        }
        events.push(this.factory.build('dsr.completed', at++, origin, { requestId }));
      }
      rt.openRequests.clear();
      if (rt.awaitingDeletion) {
        const origin = this.serviceOrigin('svc-retention', viewer.id);
        events.push(this.factory.build('data.deleted', at++, origin, { categories: [...ERASED_CATEGORIES] }));
        rt.awaitingDeletion = false;
      }
    }
    return events;
  }

  /**
   * The age the platform can rely on, as the compliance rules read it: a verified age (plus the time since
   * the check) wins over the birth year, which only gives the youngest possible age.
   */
  ageOf(viewer: Viewer, atMs: number): number {
    const verified = this.runtime(viewer).verifiedAge;
    if (verified !== null) return Math.floor(verified.age + Math.max(0, atMs - verified.atMs) / YEAR_MS);
    return youngestAge(viewer.birthYear, atMs);
  }

  /** Under the age below which a parent must consent (country rules; see world.ts). */
  needsParentalConsent(viewer: Viewer, atMs: number): boolean {
    return this.ageOf(viewer, atMs) < parentalConsentAge(viewer.country);
  }

  isMinor(viewer: Viewer, atMs: number): boolean {
    return this.ageOf(viewer, atMs) < 18;
  }

  /** Any processing beyond the strictly necessary is allowed: an adult, or a child whose parent consented. */
  mayProcess(viewer: Viewer, atMs: number): boolean {
    return !this.needsParentalConsent(viewer, atMs) || this.runtime(viewer).parentalVerified;
  }

  /** The purpose may be used now: lawful processing and a standing consent. */
  granted(viewer: Viewer, purpose: ConsentPurpose, atMs: number): boolean {
    return this.mayProcess(viewer, atMs) && this.runtime(viewer).granted.has(purpose);
  }

  /** A VPPA consent on a separate form (18 U.S.C. §2710(b)(2)(B)) stands. */
  vppaConsent(viewer: Viewer, atMs: number): boolean {
    return (
      viewer.country === 'US' &&
      this.granted(viewer, 'viewing_history_disclosure', atMs) &&
      this.runtime(viewer).granted.get('viewing_history_disclosure')?.separateForm === true
    );
  }

  /**
   * Purposes this viewer may be asked to consent to: minors only to analytics and personalisation,
   * US-only purposes (sale/share, VPPA disclosure) only in the US, no sale/share for browsers that send
   * Global Privacy Control.
   */
  consentablePurposes(viewer: Viewer, atMs: number): ConsentPurpose[] {
    return this.allowedPurposes(viewer, atMs, viewer.consentProfile);
  }

  /** The purposes of `purposes` this viewer may be asked to consent to (see consentablePurposes). */
  allowedPurposes(viewer: Viewer, atMs: number, purposes: readonly ConsentPurpose[]): ConsentPurpose[] {
    const minor = this.isMinor(viewer, atMs);
    const gpc = viewer.devices.some((d) => d.gpc);
    return purposes.filter((p) => {
      if (minor) return p === 'analytics' || p === 'personalisation';
      if ((p === 'sale_share' || p === 'viewing_history_disclosure') && viewer.country !== 'US') return false;
      if (p === 'sale_share' && (gpc || this.runtime(viewer).optedOutOfSale)) return false;
      return true;
    });
  }

  /** A new session on one of the viewer's devices: the client context of its events. */
  openSession(viewer: Viewer, device: Device = this.pickDevice(viewer)): ClientSession {
    const onMobileNetwork = (device.kind === 'mobile' || device.kind === 'tablet') && this.rng.chance(0.5);
    return {
      viewer,
      device,
      origin: {
        actor: { type: 'viewer', id: viewer.id },
        userId: viewer.id,
        ip: onMobileNetwork ? viewer.mobileIp : viewer.homeIp,
        country: viewer.country,
        userAgent: device.userAgent,
        deviceId: device.id,
        sessionId: `s-${this.rng.hex(12)}`,
        gpc: device.gpc,
        offsetMinutes: viewer.tzOffsetMinutes,
      },
    };
  }

  pickDevice(viewer: Viewer): Device {
    return viewer.devices.length > 1 && this.rng.chance(0.3) ? viewer.devices[1] : viewer.devices[0];
  }

  /** Origin of an event written by a platform service about a viewer. */
  serviceOrigin(serviceId: string, userId?: string): EventOrigin {
    return userId === undefined
      ? { actor: { type: 'service', id: serviceId } }
      : { actor: { type: 'service', id: serviceId }, userId };
  }

  /** Origin of an event written by a staff member's tool about a viewer. */
  staffOrigin(staff: StaffMember, userId?: string): EventOrigin {
    return {
      actor: { type: 'staff', id: staff.id },
      ...(userId === undefined ? {} : { userId }),
      ip: staff.ip,
      country: staff.country,
      userAgent: STAFF_USER_AGENT,
    };
  }
}

export interface ClientSession {
  viewer: Viewer;
  device: Device;
  origin: EventOrigin;
}

export function seconds(rng: SeededRng, min: number, max: number): number {
  return Math.round(rng.between(min, max) * 1000);
}
