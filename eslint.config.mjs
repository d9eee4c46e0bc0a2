import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

// Import boundaries from docs/adr and DESIGN.md: one folder per I/O library, a pure domain.
const restrict = (...patterns) => ({
  "no-restricted-imports": ["error", { patterns: patterns.map((group) => ({ group: [group.name], message: group.why })) }],
});
const botbuilder = { name: "botbuilder*", why: "Only src/teams/ talks to botbuilder (see docs/adr/0001-botbuilder-and-agents-sdk.md)." };
const tables = { name: "@azure/data-tables", why: "Only src/storage/ talks to Azure Table Storage." };
const io = (name) => ({ name, why: "src/domain and src/policy types stay pure: no I/O here." });

export default tseslint.config(
  { ignores: ["dist/", "dist-*/", "node_modules/", "coverage/", "devTools/", ".data/", "manifest/build/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Later entries override earlier ones for the same files.
  { files: ["src/**/*.ts"], rules: restrict(botbuilder, tables) },
  {
    files: ["src/domain/**/*.ts", "src/app/**/*.ts", "src/cards/**/*.ts"],
    rules: restrict(botbuilder, tables, io("node:*"), io("fs"), io("http"), io("express"), io("../storage/*"), io("../teams/*"), io("../http/*")),
  },
  { files: ["src/teams/**/*.ts"], rules: restrict(tables) },
  { files: ["src/storage/**/*.ts"], rules: restrict(botbuilder) },
  // The tab's front end runs in the browser and reaches the service only through its JSON API: of src/ it may
  // import the API's contract (types) and nothing else.
  {
    files: ["web/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(\\.\\./)+src/(?!http/tab-api/contract$)", message: "web/ may import only the API's contract (src/http/tab-api/contract) from src/." }] },
      ],
    },
  },
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly", module: "writable", __dirname: "readonly" } } },
);
