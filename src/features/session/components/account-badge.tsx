// What the header shows of the account: the active organization's name (from "sm" up; on a phone it
// is in the menu) and the user's initials. The menu around it is a chunk of its own (menus bring
// Popover, a focus trap and scroll locking), so until it arrives this shows alone.
import { Box, Group, Text } from "@mantine/core";
import type { Session } from "#contracts/session.ts";

function initials(name: string, email: string): string {
  const words = (name.trim() || email).split(/[\s@._-]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join("");
}

export function AccountBadge({ session }: { session: Session }) {
  return (
    <Group gap={8} wrap="nowrap">
      <Text size="sm" fw={600} c="white" truncate maw={200} visibleFrom="sm">
        {session.active?.name}
      </Text>
      {/* A plain circle: Mantine's Avatar brings image loading and groups the header does not use. */}
      <Box
        component="span"
        aria-hidden="true"
        w={30}
        h={30}
        bg="blue.8"
        c="white"
        fz="xs"
        fw={700}
        style={{ borderRadius: "50%", display: "inline-flex", alignItems: "center", justifyContent: "center", flex: "none" }}
      >
        {initials(session.user.name, session.user.email)}
      </Box>
    </Group>
  );
}
