// The cloud server's store: a Kysely Database interface shared by SQLite (embedded) and
// PostgreSQL (production). Portable types only: text ids (UUIDv7), ISO-8601 UTC text
// timestamps, text JSON. Every workspace-owned table carries workspace_id and has it first in
// its primary key, so the tables distribute by workspace_id (Citus) with colocated joins.
import type { Generated } from 'kysely';

export type MemberRole = 'owner' | 'agent';

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: string;
}

/** Global (a reference table on Citus): one login may belong to several workspaces. */
export interface UsersTable {
  id: string;
  /** Lower-cased and trimmed; unique. */
  email: string;
  /** scrypt$N$r$p$salt$hash (base64url). */
  password_hash: string;
  created_at: string;
}

export interface MembersTable {
  workspace_id: string;
  user_id: string;
  role: MemberRole;
  /** Set when role = agent: the agent in the workspace's tree this login acts as. */
  agent_id: string | null;
  created_at: string;
}

export interface DevicesTable {
  workspace_id: string;
  id: string;
  user_id: string;
  name: string;
  role: MemberRole;
  agent_id: string | null;
  created_at: string;
  last_seen_at: string | null;
  /** Set when the owner revoked the device, the device logged out, or a refresh token was reused. */
  revoked_at: string | null;
}

export interface RefreshTokensTable {
  workspace_id: string;
  id: string;
  device_id: string;
  /** sha256 (hex) of the opaque token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** Set when the token was used (rotated) or its device revoked. */
  revoked_at: string | null;
  /** The token issued when this one was rotated. */
  replaced_by: string | null;
}

export interface InvitesTable {
  workspace_id: string;
  /** sha256 (hex) of the normalised one-time code; the code itself is never stored. */
  code_hash: string;
  agent_id: string;
  /** users.id of the owner who created it. */
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by_device: string | null;
}

export interface ServerSchema {
  workspaces: WorkspacesTable;
  users: UsersTable;
  members: MembersTable;
  devices: DevicesTable;
  refresh_tokens: RefreshTokensTable;
  invites: InvitesTable;
}

// Kept for tables that want a database-generated column later (none of ours do: ids are UUIDv7).
export type { Generated };
