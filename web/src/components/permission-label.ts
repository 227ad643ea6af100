/** "Can edit" when the permissions include write, else "Can view". */
export function permissionLabel(permissions: readonly string[]): string {
  return permissions.includes('write') ? 'Can edit' : 'Can view';
}

/** The display form of a party: "Name (address)" or just the address. */
export function partyLabel(displayName: string | null | undefined, address: string): string {
  return displayName && displayName !== address ? `${displayName} (${address})` : address;
}
