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
  failed_files_retried: "Retried failed files",
  failed_files_dismissed: "Dismissed failed files",
  set_up: "Set up",
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
};
