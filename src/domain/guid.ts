/**
 * A GUID, the form of every Entra id: a person's object id (the one identity Teams gives us that does not change with
 * a name), a tenant's id, an app's client id. Teams and Entra do not agree on its case, so it is compared in lower case.
 */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
