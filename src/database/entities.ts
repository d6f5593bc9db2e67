// TypeORM entities, listed explicitly. Hot-path tables are written with set-based SQL in
// repositories and have no entity; entities exist where the ORM's mapping earns its keep.
export const ENTITIES: Function[] = [];
