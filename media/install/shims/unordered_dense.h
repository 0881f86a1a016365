// Minimal stand-in for ankerl::unordered_dense (martinus/unordered_dense) used
// by mediasoup >= 3.2x: maps/sets backed by the standard containers.
#ifndef MS_ANKERL_UNORDERED_DENSE_SHIM_H
#define MS_ANKERL_UNORDERED_DENSE_SHIM_H
#include <cstddef>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};

	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class... Rest>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class... Rest>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense
#endif
