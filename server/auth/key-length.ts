// The shortest API key accepted: better-auth refuses a shorter presented key before looking it up,
// and configuration refuses a shorter ADMIN_API_KEY, so both read it from here.
export const API_KEY_MIN_LENGTH = 32;
