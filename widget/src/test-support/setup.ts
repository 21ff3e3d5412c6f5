// The tests run Lit's development build on purpose (it checks more); its banner is noise here.
const issued = ((globalThis as { litIssuedWarnings?: Set<string> }).litIssuedWarnings ??= new Set());
issued.add('dev-mode');
