// json_schema.h (test-only): a validator for the JSON Schema subset the catalog schemas use.
//
// Supported keywords (draft 2020-12 meaning): type, required, properties, additionalProperties (false or a
// schema), items, enum, minimum, exclusiveMinimum, maximum, pattern, minItems. Annotations ($schema, $id,
// title, description, $comment) are ignored. One keyword of ours, "x-sourced": a list of property names
// that, when present and not null, must each have an entry of the same name in the object's "sources".
// Any other keyword is an error, so that a typo in a schema cannot silently accept everything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace headroom::test {

/// Every way `doc` breaks `schema`, each as "<JSON pointer>: <what>"; empty when it conforms.
std::vector<std::string> validate_schema(const nlohmann::json& schema, const nlohmann::json& doc);

/// Keywords outside the supported subset anywhere in `schema` (every subschema, reached by data or not).
std::vector<std::string> unsupported_keywords(const nlohmann::json& schema);

/// Ids that occur more than once in `ids`, each named once.
std::vector<std::string> duplicate_ids(const std::vector<std::string>& ids);

}  // namespace headroom::test
