// Alert destinations with their URL and signing secret sealed at rest by the same secret box as
// warehouse passwords (server/warehouses/secret-box.ts: AES-256-GCM, WAREHOUSE_SECRET_KEY or the key
// file in DATA_DIR), each value bound to its organization and record so a sealed value copied onto
// another row does not open. The secret leaves only in the create and rotate answers; the URL never
// leaves (a Slack incoming-webhook URL is a credential): answers carry its hint.
import { randomBytes } from "node:crypto";
import type { AlertDestination, AlertDestinationInput, AlertDestinationUpdate, AlertRule } from "#contracts/alerts.ts";
import type { AlertConfigStore, StoredDestination } from "../store/alert-config.ts";
import { SecretBoxError, type SecretBox } from "../warehouses/secret-box.ts";
import { newSecret } from "./messages.ts";

const bound = (d: { org_id: string; id: string }, what: "url" | "secret") => `alert-destination:${d.org_id}:${d.id}:${what}`;

/** Scheme, host, port and the path's first segment: enough to recognize, not enough to post. */
export function urlHint(text: string): string {
  const url = new URL(text);
  const first = url.pathname.split("/").filter(Boolean)[0];
  const rest = url.pathname.split("/").filter(Boolean).length > 1 || url.search ? "/…" : "";
  return `${url.protocol}//${url.host}${first ? `/${first.slice(0, 32)}` : ""}${rest}`;
}

export function publicDestination(d: StoredDestination, rules: readonly Pick<AlertRule, "id" | "destination_ids">[]): AlertDestination {
  return {
    id: d.id,
    name: d.name,
    format: d.format,
    url_hint: d.url_hint,
    secret_created_at: d.secret_created_at,
    rule_ids: rules.filter((r) => r.destination_ids.includes(d.id)).map((r) => r.id),
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

/** What the sender needs to post: the URL and secret in clear, or why they cannot be opened. */
export type OpenedDestination = { ok: true; url: string; secret: string; format: StoredDestination["format"] } | { ok: false; error: string };

export class AlertDestinations {
  private readonly store: AlertConfigStore;
  private readonly box: SecretBox;
  constructor(store: AlertConfigStore, box: SecretBox) {
    this.store = store;
    this.box = box;
  }

  async create(orgId: string, input: AlertDestinationInput): Promise<{ destination: StoredDestination; secret: string }> {
    const id = `ad_${randomBytes(9).toString("hex")}`;
    const secret = newSecret();
    const ref = { org_id: orgId, id };
    const destination = await this.store.createDestination(orgId, {
      id,
      name: input.name,
      format: input.format,
      url_enc: this.box.seal(input.url, bound(ref, "url")),
      url_hint: urlHint(input.url),
      secret_enc: this.box.seal(secret, bound(ref, "secret")),
    });
    return { destination, secret };
  }

  async update(orgId: string, id: string, update: AlertDestinationUpdate): Promise<StoredDestination | null> {
    const ref = { org_id: orgId, id };
    return this.store.updateDestination(orgId, id, {
      ...(update.name !== undefined ? { name: update.name } : {}),
      ...(update.format !== undefined ? { format: update.format } : {}),
      ...(update.url !== undefined ? { url_enc: this.box.seal(update.url, bound(ref, "url")), url_hint: urlHint(update.url) } : {}),
    });
  }

  /** A new secret; the old one stops verifying at once. */
  async rotate(orgId: string, id: string, at: Date): Promise<{ destination: StoredDestination; secret: string } | null> {
    const secret = newSecret();
    const destination = await this.store.updateDestination(orgId, id, {
      secret_enc: this.box.seal(secret, bound({ org_id: orgId, id }, "secret")),
      secret_created_at: at.toISOString(),
    });
    return destination ? { destination, secret } : null;
  }

  open(d: StoredDestination): OpenedDestination {
    try {
      return { ok: true, url: this.box.open(d.url_enc, bound(d, "url")), secret: this.box.open(d.secret_enc, bound(d, "secret")), format: d.format };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      return {
        ok: false,
        error:
          "This destination's stored URL and secret cannot be opened with the keys this process has (WAREHOUSE_SECRET_KEY differs between processes, or the row was altered); set the same key everywhere, or enter the URL again and rotate the secret",
      };
    }
  }
}
