/** `facecraft serve`: the HTTP service arrives with the server issue; until then it says so. */
export async function runServeCommand(_argv: readonly string[]): Promise<number> {
  console.error('facecraft serve: the HTTP server is not part of this build yet');
  return 1;
}
