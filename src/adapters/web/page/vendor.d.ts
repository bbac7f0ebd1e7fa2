/** The parts of highlight.js's browser build the page uses. */
declare module 'highlight.js' {
  const hljs: {
    configure(options: { ignoreUnescapedHTML?: boolean }): void;
    highlightElement(element: HTMLElement): void;
  };
  export default hljs;
}
