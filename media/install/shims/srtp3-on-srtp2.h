// libsrtp3 API (as used by mediasoup >= 3.16, versatica fork 3.0.0-beta)
// implemented on top of Debian's libsrtp2 (2.5.0). C++ only.
#ifndef MS_SRTP3_COMPAT_H
#define MS_SRTP3_COMPAT_H
#ifdef MS_SRTP3_OPAQUE_POLICY
#define srtp_policy_t ms_srtp2_policy_struct_t
#endif
#include <srtp2/srtp.h>
#ifdef MS_SRTP3_OPAQUE_POLICY
#undef srtp_policy_t
#endif
#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <climits>

// libsrtp3 added these error codes after srtp_err_status_pkt_idx_adv (27).
static constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
static constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace ms_srtp3_compat
{
	template<typename F>
	inline srtp_err_status_t run(
	  F fn, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t trailer)
	{
		if (inLen > INT_MAX || *outLen < inLen + trailer)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		int len = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(out, &len);
		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);
		return err;
	}
} // namespace ms_srtp3_compat

// C++ overloads with the libsrtp3 signatures (the libsrtp2 C ones stay visible).
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	return ms_srtp3_compat::run(
	  [&](void* p, int* l) { return srtp_protect_mki(ctx, p, l, mkiIndex ? 1 : 0, static_cast<unsigned int>(mkiIndex)); },
	  rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return ms_srtp3_compat::run(
	  [&](void* p, int* l) { return srtp_unprotect_mki(ctx, p, l, 0); }, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	return ms_srtp3_compat::run(
	  [&](void* p, int* l) { return srtp_protect_rtcp_mki(ctx, p, l, mkiIndex ? 1 : 0, static_cast<unsigned int>(mkiIndex)); },
	  rtcp, rtcpLen, srtcp, srtcpLen, (SRTP_MAX_TRAILER_LEN + 4));
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return ms_srtp3_compat::run(
	  [&](void* p, int* l) { return srtp_unprotect_rtcp_mki(ctx, p, l, 0); }, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
#ifdef MS_SRTP3_OPAQUE_POLICY
#include <new>
// Opaque policy API of libsrtp3 (srtp_policy_create() & co).
typedef ms_srtp2_policy_struct_t* srtp_policy_t;

namespace ms_srtp3_compat
{
	struct PolicyBox
	{
		ms_srtp2_policy_struct_t policy;
		uint8_t keyBuffer[SRTP_MAX_KEY_LEN + 64];
	};
} // namespace ms_srtp3_compat

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	auto* box = new (std::nothrow) ms_srtp3_compat::PolicyBox();
	if (!box)
		return srtp_err_status_alloc_fail;
	std::memset(box, 0, sizeof(*box));
	*policy = &box->policy; // policy is the first member.
	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	delete reinterpret_cast<ms_srtp3_compat::PolicyBox*>(policy);
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	policy->ssrc = ssrc;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->rtp, profile);
	if (err != srtp_err_status_ok)
		return err;
	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->rtcp, profile);
}

inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* /*mki*/,
  size_t mkiLen)
{
	auto* box = reinterpret_cast<ms_srtp3_compat::PolicyBox*>(policy);
	if (mkiLen != 0 || keyLen + saltLen > sizeof(box->keyBuffer))
		return srtp_err_status_bad_param;
	std::memcpy(box->keyBuffer, key, keyLen);
	std::memcpy(box->keyBuffer + keyLen, salt, saltLen);
	policy->key = box->keyBuffer;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	policy->allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	policy->window_size = static_cast<unsigned long>(windowSize);
	return srtp_err_status_ok;
}
#endif // MS_SRTP3_OPAQUE_POLICY
#endif // __cplusplus
#endif // MS_SRTP3_COMPAT_H
