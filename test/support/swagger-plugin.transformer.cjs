// ts-jest AST transformer running the @nestjs/swagger CLI plugin (as `nest build` does).
// The plugin needs the program that holds every DTO: ts-jest's `cs.program` is stale under ESM and
// loses DTOs from other files, so take the language service's current program instead.
const plugin = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-transformer',
  version: 1,
  factory(cs, options) {
    const program = cs._languageService?.getProgram?.() ?? cs.program;
    return plugin.before(options, program);
  },
};
