import type { PermissionChoice } from '#web-sdk';

/** What a calendar's recipient may do, as the share dialog offers it. */
export const CALENDAR_CHOICES: readonly PermissionChoice[] = [
  { label: 'View events', permissions: ['read'] },
  { label: 'View and edit events', permissions: ['read', 'write'] },
];
