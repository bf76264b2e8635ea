// Bundles web/src into one file, web/dist/widget.js (an IIFE: no globals but window.CPSBChat).
//   npm run build          one minified build
//   npm run watch          rebuild on every change (for development)
import * as esbuild from "esbuild";
import { mkdir, readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";

const watch = process.argv.includes("--watch");

// The widget's CSS goes into its shadow root as a string: minify it, then import it as text.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await esbuild.transform(source, { loader: "css", minify: true, target: ["chrome100", "safari15"] });
      return { contents: code, loader: "text" };
    });
  },
};
const options = {
  entryPoints: ["src/widget.js"],
  outfile: "dist/widget.js",
  bundle: true,
  format: "iife",
  platform: "browser",
  // Browsers of the last few years, including the Safari on older iPhones.
  target: ["chrome100", "firefox100", "safari15", "edge100"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  plugins: [cssAsText],
  define: { "process.env.NODE_ENV": '"production"' },
  // web/server.py replaces /*CPSB_SERVER_DEFAULTS*/null with the Rasa URL and the contacts from
  // content/contacts.yml. It is in the last line, so the source map still lines up.
  banner: { js: "(function(CPSB_SERVER_DEFAULTS){" },
  footer: { js: "})(/*CPSB_SERVER_DEFAULTS*/null);" },
  logLevel: "info",
};

await mkdir("dist", { recursive: true });
if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
  const code = await readFile(options.outfile);
  const { size } = await stat(options.outfile);
  console.log(`dist/widget.js: ${(size / 1024).toFixed(1)} KiB, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`);
}
