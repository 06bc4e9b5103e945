/**
 * What the sandbox keeps beside fauxqs's own SQLite file: IAM roles and their inline policies,
 * STS sessions, S3 bucket regions and notification configurations, and the S3 event sequencer.
 * One small JSON file, rewritten atomically on every change.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export interface Role {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: string;
  description?: string;
  maxSessionDuration: number;
  /** JSON text exactly as given. */
  assumeRolePolicyDocument: string;
  /** Inline policies: name → JSON text. */
  policies: Record<string, string>;
}

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  account: string;
}

export interface FilterRule {
  Name: string;
  Value: string;
}

export interface QueueConfiguration {
  Id: string;
  QueueArn: string;
  Events: string[];
  FilterRules: FilterRule[];
}

export interface BucketMeta {
  region: string;
  queueConfigurations: QueueConfiguration[];
  /** Present when an EventBridgeConfiguration was set (stored, nothing is sent). */
  eventBridge?: boolean;
}

export interface StateData {
  version: 1;
  roles: Record<string, Role>;
  sessions: Record<string, Session>;
  buckets: Record<string, BucketMeta>;
  lastSequencer: number;
}

const empty = (): StateData => ({ version: 1, roles: {}, sessions: {}, buckets: {}, lastSequencer: 0 });

export class StateFile {
  readonly path: string;
  readonly existed: boolean;
  data: StateData;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, "state.json");
    this.existed = existsSync(this.path);
    this.data = this.existed ? { ...empty(), ...(JSON.parse(readFileSync(this.path, "utf8")) as StateData) } : empty();
  }

  save(): void {
    // Sessions expired for more than a day cannot matter any more.
    const horizon = Date.now() - 86_400_000;
    for (const [key, s] of Object.entries(this.data.sessions)) {
      if (s.expiration < horizon) delete this.data.sessions[key];
    }
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.path);
  }

  bucket(name: string): BucketMeta {
    return this.data.buckets[name] ?? { region: "us-east-1", queueConfigurations: [] };
  }

  /** S3 sequencers: hexadecimal, strictly increasing across the whole sandbox (so also per key). */
  nextSequencer(): string {
    const now = Date.now() * 1000;
    this.data.lastSequencer = Math.max(this.data.lastSequencer + 1, now);
    this.save();
    return this.data.lastSequencer.toString(16).toUpperCase().padStart(18, "0");
  }
}
