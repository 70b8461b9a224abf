/** An error's message as a visitor may read it: without URLs or file paths, which may hold API keys or a layout. */
export function publicMessage(message: string): string {
  return message
    .replace(/https?:\/\/\S+/g, "(the configured endpoint)")
    .replace(/(\/[\w.-]+)+\.json/g, "(the deployment record)");
}
