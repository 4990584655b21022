// Express 4 is installed under the npm alias `express4`; it shares @types/express's shapes.
declare module 'express4' {
  import express from 'express';
  export default express;
}
