/** "Waiting for approval" from the domain's "waiting for approval". */
export const capitalised = (words: string): string => words.charAt(0).toUpperCase() + words.slice(1);
