// What the API asks of one warehouse (browsing, target checks, preview samples, rows), made once
// per warehouse record and kept while the record is unchanged: an edit (host, user, password, ...)
// or a delete closes the old connections, so nothing keeps talking to a warehouse as it was.
import type { StoredWarehouse } from "../store/warehouses.ts";
import { createWarehouseBrowser, type WarehouseBrowser } from "./browse.ts";
import { DatabendWarehouse } from "./client.ts";
import { scrubSecrets } from "../error-text.ts";
import { createTargetChecker, databendAddress, type TargetChecker } from "./target-check.ts";

export interface WarehouseAccess {
  /** The record's id and name, for messages ("warehouse Main at host:port"). */
  readonly id: string;
  readonly name: string;
  /** host:port, never the user or password. */
  readonly address: string;
  readonly user: string;
  readonly browser: WarehouseBrowser;
  readonly checker: TargetChecker;
  /** A small pool for reads that return rows (preview samples, a table's rows). */
  readonly reader: DatabendWarehouse;
  /** Removes this warehouse's password from a text. */
  scrub(text: string): string;
  close(): Promise<void>;
}

export interface AccessTimeouts {
  checkMs: number;
}

/** The real thing: databend-driver at the record's DSN. */
export function createWarehouseAccess(record: StoredWarehouse, dsn: string, password: string, timeouts: AccessTimeouts): WarehouseAccess {
  let reader: DatabendWarehouse | undefined;
  const browser = createWarehouseBrowser({ dsn, timeoutMs: timeouts.checkMs });
  const checker = createTargetChecker({ dsn, timeoutMs: timeouts.checkMs });
  return {
    id: record.id,
    name: record.name,
    address: databendAddress(dsn),
    user: record.user,
    browser,
    checker,
    get reader() {
      return (reader ??= new DatabendWarehouse(dsn, { maxIdle: 2 }));
    },
    scrub: (text) => scrubSecrets(text, password ? [password] : []),
    async close() {
      await Promise.allSettled([browser.close(), checker.close(), reader?.close()]);
    },
  };
}

/**
 * One access per warehouse id, replaced when its record changes (updated_at moves on every edit,
 * and the sealed password with it). Bounded: the least recently used beyond `max` is closed.
 */
export class WarehouseAccessCache {
  private readonly entries = new Map<string, { version: string; access: WarehouseAccess }>();
  private readonly make: (record: StoredWarehouse, dsn: string, password: string) => WarehouseAccess;
  private readonly max: number;

  constructor(make: (record: StoredWarehouse, dsn: string, password: string) => WarehouseAccess, max = 200) {
    this.make = make;
    this.max = max;
  }

  get(record: StoredWarehouse, dsn: string, password: string): WarehouseAccess {
    const version = `${record.org_id}|${record.updated_at}|${record.password_enc}`;
    const found = this.entries.get(record.id);
    if (found && found.version === version) {
      // Most recently used last.
      this.entries.delete(record.id);
      this.entries.set(record.id, found);
      return found.access;
    }
    if (found) void found.access.close();
    const access = this.make(record, dsn, password);
    this.entries.delete(record.id);
    this.entries.set(record.id, { version, access });
    while (this.entries.size > this.max) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      void entry.access.close();
    }
    return access;
  }

  /** The record changed or is gone: close its connections now. */
  drop(id: string): void {
    const found = this.entries.get(id);
    this.entries.delete(id);
    if (found) void found.access.close();
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map((e) => e.access.close()));
  }
}
