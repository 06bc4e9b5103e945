// How the audit log names actions and record types in the console.
import type { AUDIT_ACTIONS, AUDIT_RESOURCES } from "#contracts/audit.ts";

export const AUDIT_ACTION_LABELS: Record<(typeof AUDIT_ACTIONS)[number], string> = {
  created: "Created",
  edited: "Edited",
  tested: "Tested",
  deleted: "Deleted",
  started: "Started",
  stopped: "Stopped",
  invited: "Invited",
  role_changed: "Changed role",
  removed: "Removed",
  revoked: "Revoked",
  joined: "Joined",
  backfill_started: "Loaded existing objects",
  backfill_cancelled: "Cancelled loading existing objects",
  set_up: "Set up",
  secret_rotated: "Rotated the secret",
};

export const AUDIT_RESOURCE_LABELS: Record<(typeof AUDIT_RESOURCES)[number], string> = {
  data_source: "Data source",
  task: "Task",
  member: "Member",
  invitation: "Invitation",
  api_key: "API key",
  organization: "Organization",
  warehouse: "Warehouse",
  table: "Table",
  alert_rule: "Alert rule",
  alert_destination: "Alert destination",
};
